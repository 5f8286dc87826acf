import { Inject, Injectable } from '@nestjs/common';
import { Database, Outbox, OutboxEvent, SqlClient } from '@outdial/service-runtime';

/** The outbox the directory writes its events to: the runtime's `Outbox` (the admin CLI's is never started). */
export type DirectoryOutbox = Pick<Outbox, 'enqueue' | 'kick'>;
export const DIRECTORY_OUTBOX = Symbol('DIRECTORY_OUTBOX');

/**
 * One directory change = one transaction: `fn` writes rows through the repositories with the
 * given client and pushes the events that describe the change; the events are enqueued in the
 * runtime's outbox table in the same transaction (so a change is never committed without its
 * event, nor an event without its change), and the outbox relay is kicked after the commit.
 * Locking is the repositories' (the org row, `OrgsRepository.lock`).
 */
@Injectable()
export class DirectoryUnitOfWork {
  constructor(
    private readonly db: Database,
    @Inject(DIRECTORY_OUTBOX) private readonly outbox: DirectoryOutbox,
  ) {}

  async run<T>(fn: (client: SqlClient, events: OutboxEvent[]) => Promise<T>): Promise<T> {
    let wrote = false;
    const result = await this.db.tx(async (client) => {
      const events: OutboxEvent[] = [];
      const value = await fn(client, events);
      if (events.length > 0) {
        await this.outbox.enqueue(client, events);
        wrote = true;
      }
      return value;
    });
    if (wrote) this.outbox.kick();
    return result;
  }
}
