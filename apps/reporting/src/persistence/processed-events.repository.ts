import { Injectable } from '@nestjs/common';
import { Database, SqlClient } from '@outdial/service-runtime';

import { BatchReadModelRepository } from './batch-read-model.repository';
import { ReportingTables, reportingTables } from './reporting-tables';

/**
 * The ids of the events the read model applied (`processed_events`): what makes every consumer
 * idempotent whatever JetStream redelivers. Schema from `Database`.
 *
 * Transactions and locks: both methods run inside the caller's transaction (the write that applies
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
