import { Injectable } from '@nestjs/common';
import { ContactUpdatedEvent } from '@outdial/contracts';
import { Clock, Database } from '@outdial/service-runtime';
import { countRetryScheduled } from '../../persistence/batch-activity';
import { CounterState, counterDelta } from '../../domain/contact-counters';
import { isNewerVersion } from '../../domain/contact-versions';
import { statusCountDelta } from '../../domain/status-counts';
import { applyCounterDelta, applyStatusCountDelta } from '../../persistence/batch-counters';
import { claimBatchEvent } from '../../persistence/processed-events';
import { ReportingTables, reportingTables } from '../../persistence/reporting-tables';
import { ProgressNotifier } from '../../progress/progress-notifier';
import { contactWebhookType } from '../../webhooks/webhook-events';
import { enqueueWebhookEvent } from '../../webhooks/webhook-outbox';
import { WebhookDispatcher } from '../../webhooks/webhook-dispatcher';

interface StoredContact extends CounterState {
  version: number;
  row: number | null;
  phone: string | null;
  name: string | null;
  call_id: string | null;
  duration_seconds: number | null;
  failure_reason: string | null;
  recording_url: string | null;
}

/**
 * The scheduler's decision about a contact. Applied only when newer than the stored version;
 * the batch counters move by the before/after difference in the same transaction (first time
 * final -> final and completed/failed; in and out of dialing/in_progress -> in_progress). A
 * dialed contact becoming final is a `batch.call_completed` / `batch.call_failed` webhook.
 */
@Injectable()
export class RecordContactUpdateUseCase {
  private readonly tables: ReportingTables;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly progress: ProgressNotifier,
    private readonly webhooks: WebhookDispatcher,
  ) {
    this.tables = reportingTables(db);
  }

  async execute(event: ContactUpdatedEvent): Promise<void> {
    const now = this.clock.now();
    const result = await this.db.tx(async (client) => {
      if (!(await claimBatchEvent(client, this.tables, event, now))) return null;
      // The chunk with this contact may not have arrived yet: hold the decision in a placeholder.
      await client.query(
        `INSERT INTO ${this.tables.contacts} (contact_id, batch_id, org_id, status) VALUES ($1, $2, $3, 'pending') ON CONFLICT (contact_id) DO NOTHING`,
        [event.contact_id, event.batch_id, event.org_id],
      );
      const stored = await client.query<StoredContact>(
        `SELECT status, final, attempts, version, row, phone, name, call_id, duration_seconds, failure_reason, recording_url
           FROM ${this.tables.contacts} WHERE contact_id = $1`,
        [event.contact_id],
      );
      const before = stored.rows[0];
      if (!isNewerVersion(before.version, event.version)) return { webhook: false };
      await client.query(
        `UPDATE ${this.tables.contacts}
            SET status = $2, final = $3, version = $4, attempts = $5,
                last_outcome = COALESCE($6, last_outcome),
                next_retry_at = $7,
                last_attempt_at = GREATEST(last_attempt_at, $8::timestamptz)
          WHERE contact_id = $1`,
        [
          event.contact_id,
          event.status,
          event.final,
          event.version,
          event.attempts,
          event.last_outcome ?? null,
          event.next_retry_at ?? null,
          event.last_attempt_at ?? null,
        ],
      );
      // A retry planned (SPEC §6): counted in the batch's activity log, per minute.
      if (event.status === 'queued' && event.next_retry_at && before.status !== 'queued') {
        await countRetryScheduled(client, this.tables, event.batch_id, event.org_id, new Date(event.at), event.last_outcome ?? 'unknown');
      }
      const after = { status: event.status, final: event.final, attempts: event.attempts, row: before.row };
      await applyCounterDelta(client, this.tables, event.batch_id, counterDelta([before], [after]), now);
      await applyStatusCountDelta(client, this.tables, event.batch_id, statusCountDelta([before], [after]));
      const type = contactWebhookType(before, after);
      if (!type) return { webhook: false };
      const batch = await client.query<{ callback_url: string | null }>(`SELECT callback_url FROM ${this.tables.batches} WHERE batch_id = $1`, [event.batch_id]);
      const queued = await enqueueWebhookEvent(
        client,
        this.tables,
        {
          orgId: event.org_id,
          batchId: event.batch_id,
          callbackUrl: batch.rows[0]?.callback_url ?? null,
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
    if (result?.webhook) this.webhooks.poke();
  }
}
