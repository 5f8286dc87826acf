import { Injectable } from '@nestjs/common';
import { Database, SqlClient } from '@outdial/service-runtime';

import { BatchReadModelRepository } from './batch-read-model.repository';
import { ReportingTables, reportingTables } from './reporting-tables';

/**
 * The ids of the events the read model applied (`processed_events`): what makes every consumer
 * idempotent whatever JetStream redelivers. Schema from `Database`.
 *
 * Transactions and locks: every method runs inside the caller's transaction (the write that applies
 * the event): the event is on record exactly when its effects are. The insert takes the key: a
 * concurrent delivery of the same event waits on it and then sees it. `claimBatchEvent` first takes
 * the batch row lock (`BatchReadModelRepository.lockOrRetryLater`).
 */
@Injectable()
export class ProcessedEventsRepository {
  private readonly tables: ReportingTables;

  constructor(
    db: Database,
    private readonly batches: BatchReadModelRepository,
  ) {
    this.tables = reportingTables(db);
  }

  /** Records the event as applied. False when it already was: the caller skips it. */
  async markProcessed(client: SqlClient, eventId: string, now: Date): Promise<boolean> {
    const result = await client.query(
      `INSERT INTO ${this.tables.processedEvents} (event_id, processed_at) VALUES ($1, $2) ON CONFLICT (event_id) DO NOTHING`,
      [eventId, now],
    );
    return result.rowCount === 1;
  }

  /**
   * Records many events as applied in one statement. Returns the ids that were new (the others
   * were already applied: the caller skips them). A concurrent transaction inserting the same id
   * makes this wait for it (then the id is not new).
   */
  async markManyProcessed(client: SqlClient, eventIds: readonly string[], now: Date): Promise<Set<string>> {
    if (eventIds.length === 0) return new Set();
    const result = await client.query<{ event_id: string }>(
      `INSERT INTO ${this.tables.processedEvents} (event_id, processed_at)
       SELECT DISTINCT u.id, $2::timestamptz FROM unnest($1::text[]) AS u(id)
       ON CONFLICT (event_id) DO NOTHING
       RETURNING event_id`,
      [eventIds, now],
    );
    return new Set(result.rows.map((r) => r.event_id));
  }

  /**
   * The prologue of every batch event: lock the event's batch (retried later when it is not known
   * yet; false when it was deleted), then record the event (false when it was already applied).
   *
   * @throws TransientError when the batch is not known yet
   */
  async claimBatchEvent(client: SqlClient, event: { batch_id: string; event_id: string }, now: Date): Promise<boolean> {
    if (!(await this.batches.lockOrRetryLater(client, event.batch_id))) return false;
    return this.markProcessed(client, event.event_id, now);
  }
}
