import { Injectable } from '@nestjs/common';
import { BatchSettingsQuery, BatchSettingsView } from '@outdial/contracts';
import { ServiceError } from '@outdial/service-runtime';

import { BatchesRepository } from '../../persistence/batches.repository';

/**
 * The settings a batch was created with, as ingest stored them: what a redial starts from
 * (SPEC §4 "with the original's settings unless overridden"). Fails with `not_found`
 * for another org's batch.
 */
@Injectable()
export class BatchSettingsUseCase {
  constructor(private readonly batches: BatchesRepository) {}

  async execute(query: BatchSettingsQuery): Promise<BatchSettingsView> {
    const row = await this.batches.findSettings(query.batch_id, query.org_id);
    if (!row) throw new ServiceError('not_found', `batch ${query.batch_id} not found`);
    return {
      batch_id: query.batch_id,
      name: row.name,
      agent_id: row.agent_id,
      from_number: row.from_number,
      settings: row.settings ?? {},
    };
  }
}
