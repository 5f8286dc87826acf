import { Injectable } from '@nestjs/common';
import { Clock, Database, Outbox, OutboxEvent } from '@outdial/service-runtime';

import { batchStatusChanged, contactUpdated } from '../../domain/scheduler-events';
import { BatchesRepository } from '../../persistence/batches.repository';
import { ContactsRepository } from '../../persistence/contacts.repository';
import { ExpireNeverCallableContactsCommand } from './expire-never-callable-contacts.command';

/** The final reason of a contact no calling window is ever open for. */
export const NEVER_CALLABLE_REASON = "no calling window is ever open in all of the number's time zones";

/**
 * Numbers whose zones never share an open hour can never be called within the rules (SPEC §3): their
 * waiting contacts end `expired`, and the batch completes if they were its last. Each running batch
 * in its own transaction under its row lock (a batch paused, cancelled or completed since the
 * survey is left alone). Returns how many contacts ended.
 */
@Injectable()
export class ExpireNeverCallableContactsUseCase {
  constructor(
    private readonly db: Database,
    private readonly batches: BatchesRepository,
    private readonly contacts: ContactsRepository,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
  ) {}

  async execute(command: ExpireNeverCallableContactsCommand): Promise<number> {
    let total = 0;
    for (const stranded of command.batches) {
      const { ended, changed } = await this.db.tx(async (client) => {
        const batch = await this.batches.lock(client, stranded.batch_id);
        if (!batch || batch.status !== 'running' || batch.completed_at) return { ended: 0, changed: false };
        const now = this.clock.now();
        const finalized = await this.contacts.finalizeWaiting(
          client,
          batch.batch_id,
          'expired',
          NEVER_CALLABLE_REASON,
          now,
          {
            limit: command.finalize_chunk,
            zoneKeys: stranded.zone_keys,
          },
        );
        const events: OutboxEvent[] = finalized.map((contact) => contactUpdated(contact, now));
        if (finalized.length > 0) await this.batches.addFinal(client, batch.batch_id, finalized.length, now);
        const completed = await this.batches.completeIfDone(client, batch.batch_id, now);
        if (completed) events.push(batchStatusChanged(completed, 'completed', completed.status, now));
        await this.outbox.enqueue(client, events);
        return { ended: finalized.length, changed: events.length > 0 };
      });
      total += ended;
      if (changed) this.outbox.kick();
    }
    return total;
  }
}
