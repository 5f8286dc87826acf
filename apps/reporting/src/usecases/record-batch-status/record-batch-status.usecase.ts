import { Injectable } from '@nestjs/common';
import { BatchStatusChangedEvent } from '@outdial/contracts';
import { Clock, Database } from '@outdial/service-runtime';
import { applyStatusChange, BatchLifecycle } from '../../domain/batch-status-change';
import { lockBatchOrRetryLater } from '../../persistence/batch-lock';
import { markEventProcessed } from '../../persistence/processed-events';
import { ReportingTables, reportingTables } from '../../persistence/reporting-tables';

/** A batch lifecycle change: status, first start time, completion time. */
@Injectable()
export class RecordBatchStatusUseCase {
  private readonly tables: ReportingTables;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {
    this.tables = reportingTables(db);
  }

  async execute(event: BatchStatusChangedEvent): Promise<void> {
    const now = this.clock.now();
    await this.db.tx(async (client) => {
      await lockBatchOrRetryLater(client, this.tables, event.batch_id);
      if (!(await markEventProcessed(client, this.tables, event.event_id, now))) return;
      const current = await client.query<BatchLifecycle>(
        `SELECT status, status_at, start_time, completed_at FROM ${this.tables.batches} WHERE batch_id = $1`,
        [event.batch_id],
      );
      const next = applyStatusChange(current.rows[0], { status: event.status, at: new Date(event.at) });
      await client.query(
        `UPDATE ${this.tables.batches} SET status = $2, status_at = $3, start_time = $4, completed_at = $5, updated_at = $6 WHERE batch_id = $1`,
        [event.batch_id, next.status, next.status_at, next.start_time, next.completed_at, now],
      );
    });
  }
}
