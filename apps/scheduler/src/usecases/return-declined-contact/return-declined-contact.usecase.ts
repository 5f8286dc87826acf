import { Injectable } from '@nestjs/common';
import { CallDeclinedEvent } from '@outdial/contracts';
import { Clock, Database, NotKnownYetError, Outbox, OutboxEvent } from '@outdial/service-runtime';

import { CallingWindowCache } from '../../adapters/calling-window-cache';
import { UNKNOWN_BATCH_EVENT_MAX_AGE_MS } from '../../domain/batch-lifecycle';
import { batchStatusChanged, ContactState, contactUpdated } from '../../domain/scheduler-events';
import { BatchesRepository } from '../../persistence/batches.repository';
import { ContactsRepository } from '../../persistence/contacts.repository';
import { OrgSettingsRepository } from '../../persistence/org-settings.repository';

/**
 * The dialer refused a released contact before dialing (`v1.call.declined`: batch paused
 * meanwhile, or the window closed). Nothing was dialed, so the attempt is given back: the contact
 * waits again (for the next window when that was the reason) and the same attempt number is
 * released later. After a cancel the contact ends `cancelled`. Under the batch row lock; a repeated
 * event, or one of a deleted batch, changes nothing.
 */
@Injectable()
export class ReturnDeclinedContactUseCase {
  constructor(
    private readonly db: Database,
    private readonly batches: BatchesRepository,
    private readonly contacts: ContactsRepository,
    private readonly orgs: OrgSettingsRepository,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
    private readonly windows: CallingWindowCache,
  ) {}

  async execute(event: CallDeclinedEvent): Promise<void> {
    const applied = await this.db.tx(async (client) => {
      const batch = await this.batches.lockLive(client, event.batch_id);
      if (batch === 'deleted') return false;
      if (!batch) throw new NotKnownYetError(`batch ${event.batch_id} unknown`, UNKNOWN_BATCH_EVENT_MAX_AGE_MS);
      const contact = await this.contacts.lockAttempt(client, event.contact_id, event.attempt, ['dialing']);
      if (!contact) return false; // repeated, or the attempt went on (a redelivered request was dialed)
      const now = this.clock.now();
      const events: OutboxEvent[] = [];
      let updated: ContactState;
      if (batch.status === 'cancelled') {
        updated = { ...contact, status: 'cancelled', version: contact.version + 1, next_retry_at: null };
        await this.contacts.cancelReleased(client, contact.contact_id, updated.version, now);
        await this.batches.addFinal(client, batch.batch_id, 1, now);
      } else {
        const attempts = contact.attempts - 1;
        let waitUntil: Date | null = attempts > 0 ? now : null;
        if (event.reason === 'outside_window') {
          const policy = this.windows.policyFor(batch.settings, await this.orgs.complianceGuard(batch.org_id, client));
          waitUntil = this.windows.nextCallable(policy, contact.zone_key, new Date(now.getTime() + 1000)) ?? now;
        }
        const status = attempts === 0 && waitUntil === null ? 'pending' : 'queued';
        updated = { ...contact, status, attempts, version: contact.version + 1, next_retry_at: waitUntil };
        await this.contacts.giveBack(client, updated, now);
      }
      events.push(contactUpdated(updated, now));
      await this.batches.releaseSlot(client, batch.batch_id, now);
      const completed = await this.batches.completeIfDone(client, batch.batch_id, now);
      if (completed) events.push(batchStatusChanged(completed, 'completed', completed.status, now));
      await this.outbox.enqueue(client, events);
      return true;
    });
    if (applied) this.outbox.kick();
  }
}
