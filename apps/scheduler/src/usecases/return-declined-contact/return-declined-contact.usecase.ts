import { Injectable } from '@nestjs/common';
import { CallDeclinedEvent } from '@outdial/contracts';
import { Clock, Database, Outbox, OutboxEvent } from '@outdial/service-runtime';
import { ContactState, contactUpdated } from '../../domain/scheduler-events';
import { completeIfDone, lockAttemptContact } from '../../persistence/batch-row';
import { OrgSettingsRepository } from '../../persistence/org-settings.repository';
import { CallingWindows } from '../../windows/calling-windows';

/**
 * The dialer refused a released contact before dialing (batch paused meanwhile, or the window
 * closed). Nothing was dialed, so the attempt is given back: the contact waits again (for the
 * next window when that was the reason) and the same attempt number is released later. After a
 * cancel the contact ends `cancelled`.
 */
@Injectable()
export class ReturnDeclinedContactUseCase {
  constructor(
    private readonly db: Database,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
    private readonly windows: CallingWindows,
    private readonly orgs: OrgSettingsRepository,
  ) {}

  async execute(event: CallDeclinedEvent): Promise<void> {
    const applied = await this.db.tx(async (client) => {
      const locked = await lockAttemptContact(client, event, ['dialing']);
      if (!locked) return false; // the batch was deleted
      const { batch, contact } = locked;
      if (!contact) return false; // repeated, or the attempt went on (a redelivered request was dialed)
      const now = this.clock.now();
      const events: OutboxEvent[] = [];
      let updated: ContactState;
      if (batch.status === 'cancelled') {
        updated = { ...contact, status: 'cancelled', version: contact.version + 1, next_retry_at: null };
        await client.query(`UPDATE scheduler.contacts SET status = 'cancelled', version = $2, final_reason = 'batch cancelled', updated_at = $3 WHERE contact_id = $1`, [contact.contact_id, updated.version, now]);
        await client.query(`UPDATE scheduler.batches SET final_count = final_count + 1 WHERE batch_id = $1`, [batch.batch_id]);
      } else {
        const attempts = contact.attempts - 1;
        let waitUntil: Date | null = attempts > 0 ? now : null;
        if (event.reason === 'outside_window') {
          const policy = this.windows.policyFor(batch.settings, await this.orgs.complianceGuard(batch.org_id, client));
          waitUntil = this.windows.nextCallable(policy, contact.zone_key, new Date(now.getTime() + 1000)) ?? now;
        }
        const status = attempts === 0 && waitUntil === null ? 'pending' : 'queued';
        updated = { ...contact, status, attempts, version: contact.version + 1, next_retry_at: waitUntil };
        await client.query(
          `UPDATE scheduler.contacts SET status = $2, attempts = $3, version = $4, next_retry_at = $5, updated_at = $6 WHERE contact_id = $1`,
          [contact.contact_id, status, attempts, updated.version, waitUntil, now],
        );
      }
      events.push(contactUpdated(updated, now));
      await client.query(`UPDATE scheduler.batches SET inflight = GREATEST(inflight - 1, 0), updated_at = $2 WHERE batch_id = $1`, [batch.batch_id, now]);
      await completeIfDone(client, batch.batch_id, now, events);
      await this.outbox.enqueue(client, events);
      return true;
    });
    if (applied) this.outbox.kick();
  }
}
