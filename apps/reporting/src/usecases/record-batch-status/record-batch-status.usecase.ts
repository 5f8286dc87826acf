import { Inject, Injectable } from '@nestjs/common';
import { BatchStatusChangedEvent } from '@outdial/contracts';
import { Clock, Database, Logger, NotKnownYetError, SERVICE_LOGGER } from '@outdial/service-runtime';

import { ProgressNotifier } from '../../adapters/progress-notifier';
import { WebhookDispatchSignal } from '../../adapters/webhook-dispatch-signal';
import { statusActivity } from '../../domain/batch-activity';
import { cancelDeltas } from '../../domain/batch-cancel';
import { applyStatusChange } from '../../domain/batch-status-change';
import { batchWebhookType } from '../../domain/webhook-events';
import { BatchActivityRepository } from '../../persistence/batch-activity.repository';
import { BatchReadModelRepository } from '../../persistence/batch-read-model.repository';
import { ContactReadModelRepository } from '../../persistence/contact-read-model.repository';
import { ProcessedEventsRepository } from '../../persistence/processed-events.repository';
import { WebhookDeliveriesRepository } from '../../persistence/webhook-deliveries.repository';

/** How long a batch's `completed` waits for its last contact updates before it is applied anyway. */
const COMPLETION_WAIT_MS = 60_000;

/**
 * A batch lifecycle change (`v1.batch.status_changed`): status, first start time, completion time; and its webhook
 * (`batch.started`, `.paused`, `.resumed`, `.completed`, `.failed`, `.cancelled`). The webhook
 * follows the change itself (with the status it left), even when a newer change arrived first.
 * `completed` is applied only once every contact is final in the read model (bounded wait), so the
 * batch never says completed beside waiting contacts, and the `batch.completed` webhook carries
 * the final counts. `cancelled` ends every waiting contact (`pending`, `queued`) `cancelled` in the
 * same transaction, counters and per-status counts with it: the first read that shows the batch
 * cancelled shows no waiting contact (calls in progress then finish with their real outcome,
 * SPEC §4); the scheduler's own later `cancelled` decisions about them change nothing.
 */
@Injectable()
export class RecordBatchStatusUseCase {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly batches: BatchReadModelRepository,
    private readonly contacts: ContactReadModelRepository,
    private readonly processedEvents: ProcessedEventsRepository,
    private readonly activity: BatchActivityRepository,
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly progress: ProgressNotifier,
    private readonly dispatch: WebhookDispatchSignal,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {}

  async execute(event: BatchStatusChangedEvent): Promise<void> {
    const now = this.clock.now();
    const applied = await this.db.tx(async (client) => {
      if (!(await this.processedEvents.claimBatchEvent(client, event, now))) return false;
      if (event.status === 'cancelled') {
        // SPEC §4: every non-final contact ends cancelled. The read model shows it with the batch's
        // own `cancelled` (same transaction): waiting contacts end now; calls in progress finish.
        const { counters, statusCounts } = cancelDeltas(await this.contacts.cancelWaiting(client, event.batch_id));
        await this.batches.applyCounterDelta(client, event.batch_id, counters, now);
        await this.batches.applyStatusCountDelta(client, event.batch_id, statusCounts);
      }
      const batch = await this.batches.findForStatusChange(client, event.batch_id);
      if (event.status === 'completed' && batch.final_count < batch.total_calls) {
        // The scheduler completes a batch when every contact is final there; the contact updates
        // that say so travel on another stream and may not be applied here yet. Showing
        // `completed` beside waiting contacts would contradict itself: wait for them (bounded).
        // Real time, not the service clock: the wait is for event delivery.
        const ageMs = Date.now() - new Date(event.at).getTime();
        if (ageMs < COMPLETION_WAIT_MS) {
          throw new NotKnownYetError(
            `batch ${event.batch_id} completed, ${batch.total_calls - batch.final_count} contact(s) not final here yet`,
            2 * COMPLETION_WAIT_MS,
          );
        }
        this.logger.warn(
          { batch_id: event.batch_id, final: batch.final_count, total: batch.total_calls },
          'batch completed while contacts are still not final in the read model after the wait; applying it (contact updates lost or far behind)',
        );
      }
      const next = applyStatusChange(batch, { status: event.status, at: new Date(event.at) });
      // A (re)schedule carries the new start.
      await this.batches.applyStatusChange(
        client,
        event.batch_id,
        { ...next, scheduled_start_time: event.scheduled_start_time },
        now,
      );
      const previous = event.previous_status ?? batch.status;
      const activity = statusActivity(previous, event.status, event.reason, event.actor);
      await this.activity.append(client, {
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
          ...(event.status === 'completed' ||
          event.status === 'cancelled' ||
          event.status === 'failed' ||
          activity.kind === 'auto_paused'
            ? {
                total_calls: batch.total_calls,
                completed: batch.completed_count,
                failed: batch.failed_count,
                in_progress: batch.in_progress_count,
              }
            : {}),
        },
      });
      const type = batchWebhookType(previous, event.status);
      if (type) {
        await this.deliveries.enqueue(
          client,
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
      this.dispatch.poke();
    }
  }
}
