import { Injectable } from '@nestjs/common';
import { ContactUpdatedEvent } from '@outdial/contracts';
import { Clock, Database } from '@outdial/service-runtime';

import { ProgressNotifier } from '../../adapters/progress-notifier';
import { WebhookDispatchSignal } from '../../adapters/webhook-dispatch-signal';
import { counterDelta } from '../../domain/contact-counters';
import { isNewerVersion } from '../../domain/contact-versions';
import { statusCountDelta } from '../../domain/status-counts';
import { contactWebhookType } from '../../domain/webhook-events';
import { BatchActivityRepository } from '../../persistence/batch-activity.repository';
import { BatchReadModelRepository } from '../../persistence/batch-read-model.repository';
import { ContactReadModelRepository } from '../../persistence/contact-read-model.repository';
import { ProcessedEventsRepository } from '../../persistence/processed-events.repository';
import { WebhookDeliveriesRepository } from '../../persistence/webhook-deliveries.repository';

/**
 * The scheduler's decision about a contact (`v1.contact.updated`). Applied only when newer than the
 * stored version; the batch counters move by the before/after difference in the same transaction
 * (first time final -> final and completed/failed; in and out of dialing/in_progress ->
 * in_progress). A planned retry is counted in the activity log (per minute). A dialed contact
 * becoming final is a `batch.call_completed` / `batch.call_failed` webhook.
 */
@Injectable()
export class RecordContactUpdateUseCase {
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
  ) {}

  async execute(event: ContactUpdatedEvent): Promise<void> {
    const now = this.clock.now();
    const result = await this.db.tx(async (client) => {
      if (!(await this.processedEvents.claimBatchEvent(client, event, now))) return null;
      // The chunk with this contact may not have arrived yet: hold the decision in a placeholder.
      await this.contacts.ensurePlaceholder(client, event);
      const before = await this.contacts.findForUpdate(client, event.contact_id);
      if (!isNewerVersion(before.version, event.version)) return { webhook: false };
      await this.contacts.applyUpdate(client, event);
      // A retry planned (SPEC §6): counted in the batch's activity log, per minute.
      if (event.status === 'queued' && event.next_retry_at && before.status !== 'queued') {
        await this.activity.countRetryScheduled(
          client,
          event.batch_id,
          event.org_id,
          new Date(event.at),
          event.last_outcome ?? 'unknown',
        );
      }
      const after = { status: event.status, final: event.final, attempts: event.attempts, row: before.row };
      await this.batches.applyCounterDelta(client, event.batch_id, counterDelta([before], [after]), now);
      await this.batches.applyStatusCountDelta(client, event.batch_id, statusCountDelta([before], [after]));
      const type = contactWebhookType(before, after);
      if (!type) return { webhook: false };
      const queued = await this.deliveries.enqueue(
        client,
        {
          orgId: event.org_id,
          batchId: event.batch_id,
          callbackUrl: await this.batches.callbackUrl(client, event.batch_id),
          type,
          causeId: event.contact_id,
          createdAt: new Date(event.at),
          data: {
            contact_id: event.contact_id,
            row: before.row,
            phone: before.phone,
            name: before.name,
            status: event.status,
            attempts: event.attempts,
            last_outcome: event.last_outcome ?? null,
            last_attempt_at: event.last_attempt_at ?? null,
            // Known when the call's finish was recorded first (it usually is).
            call_id: before.call_id,
            duration_seconds: before.duration_seconds,
            failure_reason: before.failure_reason,
            recording_url: before.recording_url,
          },
        },
        now,
      );
      return { webhook: queued > 0 };
    });
    if (result) this.progress.touch(event.batch_id);
    if (result?.webhook) this.dispatch.poke();
  }
}
