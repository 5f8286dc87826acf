import { Injectable } from '@nestjs/common';
import { BatchSettingsQuery, BatchSettingsView } from '@outdial/contracts';
import { Database, ServiceError } from '@outdial/service-runtime';

/**
 * The settings a batch was created with, as ingest stored them: what a redial starts from
 * (SPEC §4 "with the original's settings unless overridden"). Another org's batch is not found.
 */
@Injectable()
export class BatchSettingsUseCase {
  constructor(private readonly db: Database) {}

  async execute(query: BatchSettingsQuery): Promise<BatchSettingsView> {
    const [row] = await this.db.query<{ name: string; agent_id: string; from_number: string; settings: Record<string, unknown> }>(
      `SELECT name, agent_id, from_number, settings FROM ingest.batches WHERE batch_id = $1 AND org_id = $2`,
      [query.batch_id, query.org_id],
    );
    if (!row) throw new ServiceError('not_found', `batch ${query.batch_id} not found`);
    return { batch_id: query.batch_id, name: row.name, agent_id: row.agent_id, from_number: row.from_number, settings: row.settings ?? {} };
  }
}
