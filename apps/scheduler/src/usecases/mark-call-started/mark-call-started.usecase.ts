import { Injectable } from '@nestjs/common';
import { CallStartedEvent } from '@outdial/contracts';
import { Clock, Database, Outbox } from '@outdial/service-runtime';
import { ContactState, contactUpdated } from '../../domain/scheduler-events';

/** The provider accepted the call: the contact moves from `dialing` to `in_progress`. */
@Injectable()
export class MarkCallStartedUseCase {
  constructor(
    private readonly db: Database,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
  ) {}

  async execute(event: CallStartedEvent): Promise<void> {
    const now = this.clock.now();
    const changed = await this.db.tx(async (client) => {
      const rows = await client.query<ContactState>(
        `UPDATE scheduler.contacts SET status = 'in_progress', version = version + 1, updated_at = $3
          WHERE contact_id = $1 AND attempts = $2 AND status = 'dialing'
          RETURNING contact_id, batch_id, org_id, status, version, attempts, last_outcome, next_retry_at, last_attempt_at`,
        [event.contact_id, event.attempt, now],
      );
      if (rows.rows.length === 0) return false;
      await this.outbox.enqueue(client, [contactUpdated(rows.rows[0], now)]);
      return true;
    });
    if (changed) this.outbox.kick();
  }
}
