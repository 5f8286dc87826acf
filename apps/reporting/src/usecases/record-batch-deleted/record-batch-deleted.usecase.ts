import { Injectable } from '@nestjs/common';
import { BatchDeletedEvent } from '@outdial/contracts';
import { Database } from '@outdial/service-runtime';
import { ReportingTables, reportingTables } from '../../persistence/reporting-tables';

/**
 * The batch was deleted (SPEC §4: its data goes everywhere): every read-model row of it goes, its
 * pending webhooks included, and a tombstone stays so that late events of the batch are dropped
 * instead of bringing it back. Idempotent: a repeated deletion finds nothing left to delete.
 */
@Injectable()
export class RecordBatchDeletedUseCase {
  private readonly tables: ReportingTables;

  constructor(private readonly db: Database) {
    this.tables = reportingTables(db);
  }

  async execute(event: BatchDeletedEvent): Promise<void> {
    await this.db.tx(async (client) => {
      // Writers of the batch hold its row lock: wait for them, then nothing new can arrive (tombstone).
      await client.query(`SELECT 1 FROM ${this.tables.batches} WHERE batch_id = $1 FOR UPDATE`, [event.batch_id]);
      await client.query(`INSERT INTO ${this.tables.deletedBatches} (batch_id, org_id, deleted_at) VALUES ($1, $2, $3) ON CONFLICT (batch_id) DO NOTHING`, [
        event.batch_id,
        event.org_id,
        new Date(event.at),
      ]);
      await client.query(`DELETE FROM ${this.tables.attempts} WHERE batch_id = $1`, [event.batch_id]);
      await client.query(`DELETE FROM ${this.tables.contacts} WHERE batch_id = $1`, [event.batch_id]);
      await client.query(`DELETE FROM ${this.tables.statusCounts} WHERE batch_id = $1`, [event.batch_id]);
      await client.query(`DELETE FROM ${this.tables.webhookDeliveries} WHERE batch_id = $1`, [event.batch_id]);
      await client.query(`DELETE FROM ${this.tables.batchActivity} WHERE batch_id = $1`, [event.batch_id]);
      await client.query(`DELETE FROM ${this.tables.batches} WHERE batch_id = $1`, [event.batch_id]);
    });
  }
}
