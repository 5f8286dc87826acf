import { Injectable } from '@nestjs/common';
import { BatchIngestedEvent } from '@outdial/contracts';
import { Clock, Database } from '@outdial/service-runtime';

import { ProgressNotifier } from '../../adapters/progress-notifier';
import { WebhookDispatchSignal } from '../../adapters/webhook-dispatch-signal';
import { BatchActivityRepository } from '../../persistence/batch-activity.repository';
import { BatchReadModelRepository } from '../../persistence/batch-read-model.repository';
import { ProcessedEventsRepository } from '../../persistence/processed-events.repository';
import { WebhookDeliveriesRepository } from '../../persistence/webhook-deliveries.repository';

/**
 * A new batch (`v1.ingest.batch_ingested`): its row, with the status ingest gave it and zeroed
 * counters; a `created` activity entry the first time; a `batch.started` webhook when it was
 * created running. One transaction; idempotent by event id; a late re-announcement of a deleted
 * batch is dropped.
 */
@Injectable()
export class RecordBatchIngestedUseCase {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly batches: BatchReadModelRepository,
    private readonly processedEvents: ProcessedEventsRepository,
    private readonly activity: BatchActivityRepository,
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly progress: ProgressNotifier,
    private readonly dispatch: WebhookDispatchSignal,
  ) {}

  async execute(event: BatchIngestedEvent): Promise<void> {
    const now = this.clock.now();
    const applied = await this.db.tx(async (client) => {
      if (!(await this.processedEvents.markProcessed(client, event.event_id, now))) return false;
      // A late re-announcement of a deleted batch must not bring it back.
      if (await this.batches.isDeleted(client, event.batch_id)) return false;
      // A batch created running started when it was created; a later `running` change keeps the earlier time.
      const startTime = event.initial_status === 'running' ? event.created_at : null;
      // On conflict (ingest re-announcing the batch) the metadata is refreshed, but the counters,
      // the org and any status a status change already set are kept.
      const inserted = await this.batches.upsertIngested(client, event, startTime, now);
      if (inserted) {
        await this.activity.append(client, {
          batchId: event.batch_id,
          orgId: event.org_id,
          at: new Date(event.created_at),
          kind: 'created',
          message: `created with ${event.total_contacts} contact(s)${event.initial_status === 'running' ? '' : `, ${event.initial_status}`}`,
          data: {
            total_contacts: event.total_contacts,
            initial_status: event.initial_status,
            agent_id: event.agent_id,
          },
        });
      }
      // Created running: the batch started now (one `batch.started` per batch, however announced).
      if (event.initial_status === 'running') {
        await this.deliveries.enqueue(
          client,
          {
            orgId: event.org_id,
            batchId: event.batch_id,
            callbackUrl: event.settings.callback_url ?? null,
            type: 'batch.started',
            causeId: event.event_id,
            createdAt: new Date(event.created_at),
            data: {
              name: event.name,
              status: 'running',
              previous_status: null,
              total_calls: event.total_contacts,
              agent_id: event.agent_id,
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
