import { Inject, Injectable } from '@nestjs/common';
import { BatchStatusChangedEvent } from '@outdial/contracts';
import { Clock, Database, Logger, NotKnownYetError, SERVICE_LOGGER } from '@outdial/service-runtime';
import { statusActivity } from '../../domain/batch-activity';
import { applyStatusChange, BatchLifecycle } from '../../domain/batch-status-change';
import { appendActivity } from '../../persistence/batch-activity';
import { claimBatchEvent } from '../../persistence/processed-events';
import { ReportingTables, reportingTables } from '../../persistence/reporting-tables';
import { ProgressNotifier } from '../../progress/progress-notifier';
import { batchWebhookType } from '../../webhooks/webhook-events';
import { WebhookDispatcher } from '../../webhooks/webhook-dispatcher';
import { enqueueWebhookEvent } from '../../webhooks/webhook-outbox';

/** How long a batch's `completed` waits for its last contact updates before it is applied anyway. */
const COMPLETION_WAIT_MS = 60_000;

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
 * `completed` is applied only once every contact is final in the read model (bounded wait), so the
 * batch never says completed beside waiting contacts, and the `batch.completed` webhook carries
 * the final counts.
 */
@Injectable()
export class RecordBatchStatusUseCase {
  private readonly tables: ReportingTables;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly progress: ProgressNotifier,
    private readonly webhooks: WebhookDispatcher,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
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
      if (event.status === 'completed' && batch.final_count < batch.total_calls) {
        // The scheduler completes a batch when every contact is final there; the contact updates
        // that say so travel on another stream and may not be applied here yet. Showing
        // `completed` beside waiting contacts would contradict itself: wait for them (bounded).
        // Real time, not the service clock: the wait is for event delivery.
        const ageMs = Date.now() - new Date(event.at).getTime();
        if (ageMs < COMPLETION_WAIT_MS) {
          throw new NotKnownYetError(`batch ${event.batch_id} completed, ${batch.total_calls - batch.final_count} contact(s) not final here yet`, 2 * COMPLETION_WAIT_MS);
        }
        this.logger.warn(
          { batch_id: event.batch_id, final: batch.final_count, total: batch.total_calls },
          'batch completed while contacts are still not final in the read model after the wait; applying it (contact updates lost or far behind)',
        );
      }
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
      const activity = statusActivity(previous, event.status, event.reason, event.actor);
      await appendActivity(client, this.tables, {
        batchId: event.batch_id,
        orgId: event.org_id,
        at: new Date(event.at),
        kind: activity.kind,
        actor: event.actor,
        message: activity.message,
        data: {
          previous_status: previous,
          status: event.status,
          ...(event.reason ? { reason: event.reason } : {}),
          ...(event.status === 'completed' || event.status === 'cancelled' || event.status === 'failed' || activity.kind === 'auto_paused'
            ? { total_calls: batch.total_calls, completed: batch.completed_count, failed: batch.failed_count, in_progress: batch.in_progress_count }
            : {}),
        },
      });
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
