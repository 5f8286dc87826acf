import { Injectable } from '@nestjs/common';
import { CallStartedEvent } from '@outdial/contracts';
import { Clock, Database, Outbox } from '@outdial/service-runtime';

import { contactUpdated } from '../../domain/scheduler-events';
import { ContactsRepository } from '../../persistence/contacts.repository';

/** Call-started events applied together; `errors[i]` is set when `events[i]` was not applied (settle it as failed). */
export interface MarkCallStartedResult {
  errors: (unknown | undefined)[];
}

/**
 * The provider accepted the call (`v1.call.started`): the contact moves from `dialing` to
 * `in_progress`. A repeated or late event changes nothing. A group of events is applied in ONE
 * transaction (one `UPDATE ... FROM unnest`, one outbox insert; issue 16); should it fail, each
 * event is applied again on its own, so one bad event never holds back or double-applies the others.
 * No batch lock: the update is guarded by (attempt, `dialing`) on the contact row alone.
 */
@Injectable()
export class MarkCallStartedUseCase {
  constructor(
    private readonly db: Database,
    private readonly contacts: ContactsRepository,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
  ) {}

  async execute(command: { events: CallStartedEvent[] }): Promise<MarkCallStartedResult> {
    const { events } = command;
    if (events.length === 0) return { errors: [] };
    try {
      await this.apply(events);
      return { errors: events.map(() => undefined) };
    } catch (error) {
      if (events.length === 1) return { errors: [error] };
      const errors: (unknown | undefined)[] = [];
      for (const event of events) {
        try {
          await this.apply([event]);
          errors.push(undefined);
        } catch (single) {
          errors.push(single);
        }
      }
      return { errors };
    }
  }

  private async apply(events: CallStartedEvent[]): Promise<void> {
    const now = this.clock.now();
    const changed = await this.db.tx(async (client) => {
      const contacts = await this.contacts.markManyInProgress(
        client,
        events.map((e) => ({ contact_id: e.contact_id, attempt: e.attempt })),
        now,
      );
      await this.outbox.enqueue(
        client,
        contacts.map((contact) => contactUpdated(contact, now)),
      );
      return contacts.length > 0;
    });
    if (changed) this.outbox.kick();
  }
}
