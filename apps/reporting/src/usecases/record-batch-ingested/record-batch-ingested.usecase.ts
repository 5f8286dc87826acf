import { Injectable } from '@nestjs/common';
import { BatchIngestedEvent } from '@outdial/contracts';
import { Clock, Database } from '@outdial/service-runtime';
import { appendActivity } from '../../persistence/batch-activity';
import { isDeletedBatch } from '../../persistence/batch-lock';
import { markEventProcessed } from '../../persistence/processed-events';
import { ReportingTables, reportingTables } from '../../persistence/reporting-tables';
import { ProgressNotifier } from '../../progress/progress-notifier';
import { WebhookDispatcher } from '../../webhooks/webhook-dispatcher';
import { enqueueWebhookEvent } from '../../webhooks/webhook-outbox';

/** A new batch: its row, with the status ingest gave it and zeroed counters. */
@Injectable()
export class RecordBatchIngestedUseCase {
  private readonly tables: ReportingTables;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly progress: ProgressNotifier,
    private readonly webhooks: WebhookDispatcher,
  ) {
    this.tables = reportingTables(db);
  }

  async execute(event: BatchIngestedEvent): Promise<void> {
    const now = this.clock.now();
    const applied = await this.db.tx(async (client) => {
      if (!(await markEventProcessed(client, this.tables, event.event_id, now))) return false;
      // A late re-announcement of a deleted batch must not bring it back.
      if (await isDeletedBatch(client, this.tables, event.batch_id)) return false;
      // A batch created running started when it was created; a later `running` change keeps the earlier time.
      const startTime = event.initial_status === 'running' ? event.created_at : null;
      // On conflict (ingest re-announcing the batch) the metadata is refreshed, but the counters,
      // the org and any status a status change already set are kept.
      const upsert = await client.query<{ inserted: boolean }>(
        `INSERT INTO ${this.tables.batches} AS b
           (batch_id, org_id, name, status, agent_id, from_number, concurrency, max_attempts, total_calls,
            estimated_cost, variable_columns, created_at, scheduled_start_time, start_time, updated_at, provider, callback_url)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb, $12, $13, $14, $15, $16, $17)
         ON CONFLICT (batch_id) DO UPDATE SET
           name = EXCLUDED.name,
           status = CASE WHEN b.status_at IS NULL THEN EXCLUDED.status ELSE b.status END,
           agent_id = EXCLUDED.agent_id,
           from_number = EXCLUDED.from_number,
           concurrency = EXCLUDED.concurrency,
           max_attempts = EXCLUDED.max_attempts,
           total_calls = EXCLUDED.total_calls,
           estimated_cost = EXCLUDED.estimated_cost,
           variable_columns = EXCLUDED.variable_columns,
           created_at = EXCLUDED.created_at,
           scheduled_start_time = EXCLUDED.scheduled_start_time,
           start_time = LEAST(b.start_time, EXCLUDED.start_time),
           updated_at = EXCLUDED.updated_at,
           provider = EXCLUDED.provider,
           callback_url = EXCLUDED.callback_url
         RETURNING (xmax = 0) AS inserted`,
        [
          event.batch_id,
          event.org_id,
          event.name,
          event.initial_status,
          event.agent_id,
          event.from_number,
          event.settings.concurrency,
          event.settings.max_attempts,
          event.total_contacts,
          event.estimated_cost,
          JSON.stringify(event.variable_columns),
          event.created_at,
          event.settings.scheduled_start_time ?? null,
          startTime,
          now,
          event.provider,
          event.settings.callback_url ?? null,
        ],
      );
      const inserted = upsert.rows[0]?.inserted === true;
      if (inserted) {
        await appendActivity(client, this.tables, {
          batchId: event.batch_id,
          orgId: event.org_id,
          at: new Date(event.created_at),
          kind: 'created',
          message: `created with ${event.total_contacts} contact(s)${event.initial_status === 'running' ? '' : `, ${event.initial_status}`}`,
          data: { total_contacts: event.total_contacts, initial_status: event.initial_status, agent_id: event.agent_id },
        });
      }
      // Created running: the batch started now (one `batch.started` per batch, however announced).
      if (event.initial_status === 'running') {
        await enqueueWebhookEvent(
          client,
          this.tables,
          {
            orgId: event.org_id,
            batchId: event.batch_id,
            callbackUrl: event.settings.callback_url ?? null,
            type: 'batch.started',
            causeId: event.event_id,
            createdAt: new Date(event.created_at),
            data: { name: event.name, status: 'running', previous_status: null, total_calls: event.total_contacts, agent_id: event.agent_id },
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
