import { Inject, Injectable } from '@nestjs/common';
import { Database, Logger, SERVICE_LOGGER } from '@outdial/service-runtime';

/** SPEC §4: delete removes the batch and its data everywhere; here its contacts and issues. */
@Injectable()
export class DeleteBatchUseCase {
  constructor(
    private readonly db: Database,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {}

  /** Idempotent: a batch already gone (or another org's) deletes nothing. */
  async execute(orgId: string, batchId: string): Promise<void> {
    await this.db.tx(async (client) => {
      const owned = await client.query(`DELETE FROM ingest.batches WHERE batch_id = $1 AND org_id = $2 RETURNING batch_id`, [batchId, orgId]);
      if (owned.rowCount === 0) return;
      const contacts = await client.query(`DELETE FROM ingest.contacts WHERE batch_id = $1`, [batchId]);
      await client.query(`DELETE FROM ingest.validation_issues WHERE batch_id = $1`, [batchId]);
      this.logger.info({ batch_id: batchId, contacts: contacts.rowCount }, 'batch data deleted');
    });
  }
}
