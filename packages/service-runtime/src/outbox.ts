import type { TypedEvent } from '@outdial/contracts';
import type { Logger } from 'pino';

import { Database, SqlClient } from './database';
import { EventPublisher, validateOutgoing } from './event-publisher';
import { Metrics } from './metrics';

/** How often the pending-events gauge is refreshed. */
const GAUGE_SAMPLE_MS = 5_000;

/**
 * One event to publish: a subject of the contracts' `EVENTS` map and its payload (correlated:
 * a payload of another subject is a compile error). msgID = `payload.event_id`.
 */
export type OutboxEvent = TypedEvent;

/**
 * The enqueue side of the transactional outbox: writes events into the service schema's outbox
 * table inside the caller's transaction, and publishes nothing. On its own (`Outbox.enqueueOnly`)
 * it serves processes without a broker connection, such as the admin CLI: a running instance of
 * the service relays the rows on its next tick.
 */
export class OutboxWriter {
  constructor(
    protected readonly db: Database,
    /** Validate payloads at enqueue (outside production): a wrong event fails its transaction. */
    protected readonly validate = true,
  ) {}

  /**
   * Adds events inside the caller's transaction (`client` must be in a transaction the caller
   * commits). Outside production each payload is validated against its subject's class first
   * (InvalidPayloadError naming the field, so the transaction rolls back).
   */
  async enqueue(client: SqlClient, events: readonly OutboxEvent[]): Promise<void> {
    if (events.length === 0) return;
    const subjects: string[] = [];
    const payloads: string[] = [];
    const ids: string[] = [];
    for (const event of events) {
      validateOutgoing(event.subject, event.payload, this.validate);
      subjects.push(event.subject);
      payloads.push(JSON.stringify(event.payload));
      ids.push(event.payload.event_id);
    }
    await client.query(
      `INSERT INTO ${this.table} (subject, payload, msg_id) SELECT * FROM unnest($1::text[], $2::jsonb[], $3::text[])`,
      [subjects, payloads, ids],
    );
  }

  /** Nothing to publish from here: the events wait for a running relay (an `Outbox` that was started). */
  kick(): void {}

  protected get table(): string {
    return `"${this.db.schema}".outbox`;
  }
}

/**
 * Transactional outbox: events are written in the same transaction as the state change they
 * describe, and a relay publishes them afterwards (msgID = event id). A crash between commit and
 * publish delays an event; it never loses it.
 */
export class Outbox extends OutboxWriter {
  /**
   * An outbox that only enqueues: no publisher, no metrics, never started (`kick` does nothing).
   * For processes that write a service's events without running its relay (the admin CLI, tests).
   */
  static enqueueOnly(db: Database, options: { validate?: boolean } = {}): OutboxWriter {
    return new OutboxWriter(db, options.validate ?? true);
  }

  private timer?: NodeJS.Timeout;
  private draining?: Promise<void>;
  private again = false;
  private stopped = true;

  constructor(
    db: Database,
    private readonly publisher: EventPublisher,
    private readonly logger: Logger,
    private readonly metrics: Metrics,
    private readonly intervalMs = 500,
    private readonly batchSize = 500,
    /** Validate payloads at enqueue (outside production): a wrong event fails its transaction. */
    validate = true,
  ) {
    super(db, validate);
  }

  start(): void {
    this.stopped = false;
    let ticks = 0;
    this.timer = setInterval(() => {
      this.kick();
      // The gauge `outdial_outbox_pending` (dashboard: "outbox pending"): sampled every ~5 s.
      if (++ticks % Math.max(1, Math.round(GAUGE_SAMPLE_MS / this.intervalMs)) === 0) {
        this.pendingCount().catch((error) =>
          this.logger.debug({ reason: (error as Error).message }, 'outbox gauge not sampled'),
        );
      }
    }, this.intervalMs);
    this.kick();
  }

  /** Publish what is pending now (call after a commit that enqueued events). */
  override kick(): void {
    if (this.stopped) return;
    if (this.draining) {
      this.again = true;
      return;
    }
    this.draining = this.drainLoop().finally(() => {
      this.draining = undefined;
    });
  }

  private async drainLoop(): Promise<void> {
    do {
      this.again = false;
      try {
        while ((await this.drainOnce()) === this.batchSize) {
          /* more waiting */
        }
      } catch (error) {
        this.logger.warn({ err: error }, 'outbox relay failed; will retry');
        return;
      }
    } while (this.again && !this.stopped);
  }

  /**
   * Publishes up to one batch of pending events; returns how many. One statement takes the batch:
   * the rows are deleted (`DELETE ... RETURNING`, locked with SKIP LOCKED so another relay takes
   * others) and published before the transaction commits; a failed publish rolls the delete back,
   * so the rows stay for the next pass (at-least-once, deduplicated by msgID in the stream).
   */
  async drainOnce(): Promise<number> {
    return this.db.tx(async (client) => {
      const taken = await client.query<{ id: string; subject: string; payload: object; msg_id: string }>(
        `DELETE FROM ${this.table} WHERE id IN (SELECT id FROM ${this.table} ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
         RETURNING id, subject, payload, msg_id`,
        [this.batchSize],
      );
      if (taken.rows.length === 0) return 0;
      // RETURNING has no order: publish in id (enqueue) order. Published concurrently for
      // throughput: the client writes them to the one connection in call order, so the stream
      // stores them in id order too.
      const rows = taken.rows.sort((a, b) => Number(a.id) - Number(b.id));
      await Promise.all(rows.map((row) => this.publisher.publishStored(row.subject, row.payload, row.msg_id)));
      return rows.length;
    });
  }

  /** Counts the events not yet published and sets the `outdial_outbox_pending` gauge to it. */
  async pendingCount(): Promise<number> {
    const rows = await this.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${this.table}`);
    this.metrics.outboxPending.set(rows[0].n);
    return rows[0].n;
  }

  /** Stops the timer and publishes what is left (best effort). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.draining;
    try {
      while ((await this.drainOnce()) > 0) {
        /* flush */
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'outbox not fully flushed at shutdown; the next start publishes the rest');
    }
  }
}
