import { Injectable } from '@nestjs/common';
import { BatchStatusChangedEvent } from '@outdial/contracts';
import { Clock, Database } from '@outdial/service-runtime';
import { applyStatusChange, BatchLifecycle } from '../../domain/batch-status-change';
import { claimBatchEvent } from '../../persistence/processed-events';
import { ReportingTables, reportingTables } from '../../persistence/reporting-tables';
import { ProgressNotifier } from '../../progress/progress-notifier';
import { batchWebhookType } from '../../webhooks/webhook-events';
import { WebhookDispatcher } from '../../webhooks/webhook-dispatcher';
import { enqueueWebhookEvent } from '../../webhooks/webhook-outbox';

interface StoredBatch extends BatchLifecycle {
  name: string;
  callback_url: string | null;
  total_calls: number;
  final_count: number;
  completed_count: number;
  failed_count: number;
  in_progress_count: number;
  cost_so_far: number;
}

/**
 * A batch lifecycle change: status, first start time, completion time; and its webhook
 * (`batch.started`, `.paused`, `.resumed`, `.completed`, `.failed`, `.cancelled`). The webhook
 * follows the change itself (with the status it left), even when a newer change arrived first.
 */
@Injectable()
export class RecordBatchStatusUseCase {
  private readonly tables: ReportingTables;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly progress: ProgressNotifier,
    private readonly webhooks: WebhookDispatcher,
  ) {
    this.tables = reportingTables(db);
  }

  async execute(event: BatchStatusChangedEvent): Promise<void> {
    const now = this.clock.now();
    const applied = await this.db.tx(async (client) => {
      if (!(await claimBatchEvent(client, this.tables, event, now))) return false;
      const current = await client.query<StoredBatch>(
        `SELECT status, status_at, start_time, completed_at, name, callback_url, total_calls, final_count, completed_count,
                failed_count, in_progress_count, cost_so_far
           FROM ${this.tables.batches} WHERE batch_id = $1`,
        [event.batch_id],
      );
      const batch = current.rows[0];
      const next = applyStatusChange(batch, { status: event.status, at: new Date(event.at) });
      await client.query(
        `UPDATE ${this.tables.batches} SET status = $2, status_at = $3, start_time = $4, completed_at = $5, updated_at = $6 WHERE batch_id = $1`,
        [event.batch_id, next.status, next.status_at, next.start_time, next.completed_at, now],
      );
      // A (re)schedule carries the new start.
      if (event.scheduled_start_time) {
        await client.query(`UPDATE ${this.tables.batches} SET scheduled_start_time = $2 WHERE batch_id = $1`, [event.batch_id, event.scheduled_start_time]);
      }
      const previous = event.previous_status ?? batch.status;
      const type = batchWebhookType(previous, event.status);
      if (type) {
        await enqueueWebhookEvent(
          client,
          this.tables,
          {
            orgId: event.org_id,
            batchId: event.batch_id,
            callbackUrl: batch.callback_url,
            type,
            causeId: event.event_id,
            createdAt: new Date(event.at),
            data: {
              name: batch.name,
              status: event.status,
              previous_status: previous,
              reason: event.reason ?? null,
              total_calls: batch.total_calls,
              completed: batch.completed_count,
              failed: batch.failed_count,
              pending: Math.max(0, batch.total_calls - batch.final_count),
              in_progress: batch.in_progress_count,
              cost_so_far: batch.cost_so_far,
            },
          },
          now,
        );
      }
      return true;
    });
    if (applied) {
      this.progress.touch(event.batch_id);
      this.webhooks.poke();
    }
  }
}
