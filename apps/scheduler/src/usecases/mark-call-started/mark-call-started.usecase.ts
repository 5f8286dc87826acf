import { Injectable } from '@nestjs/common';
import { CallStartedEvent } from '@outdial/contracts';
import { Clock, Database, Outbox } from '@outdial/service-runtime';

import { contactUpdated } from '../../domain/scheduler-events';
import { ContactsRepository } from '../../persistence/contacts.repository';

/**
 * The provider accepted the call (`v1.call.started`): the contact moves from `dialing` to
 * `in_progress`. A repeated or late event changes nothing.
 */
@Injectable()
export class MarkCallStartedUseCase {
  constructor(
    private readonly db: Database,
    private readonly contacts: ContactsRepository,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
  ) {}

  async execute(event: CallStartedEvent): Promise<void> {
    const now = this.clock.now();
    const changed = await this.db.tx(async (client) => {
      const contact = await this.contacts.markInProgress(client, event.contact_id, event.attempt, now);
      if (!contact) return false;
      await this.outbox.enqueue(client, [contactUpdated(contact, now)]);
      return true;
    });
    if (changed) this.outbox.kick();
  }
}
