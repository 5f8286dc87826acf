import { Injectable } from '@nestjs/common';
import { Database, quoteIdent, SqlClient } from '@outdial/service-runtime';

/**
 * Typed SQL over the dialer schema's `batch_states` (the latest status of each batch seen on
 * `v1.batch.status_changed` / `v1.batch.deleted`) and `deleted_batches` (schema from `Database`).
 *
 * Transactions and locks: every method takes the caller's `SqlClient` and runs inside the caller's
 * transaction; no explicit locks. Writes are idempotent upserts whose WHERE makes the latest `at`
 * win and a deletion final, so concurrent or out-of-order deliveries need no lock. Admission reads
 * the status through AttemptsRepository.admissionView (joined by `tableName`, one round trip).
 */
@Injectable()
export class BatchStatesRepository {
  private readonly table: string;
  private readonly deleted: string;

  constructor(db: Database) {
    this.table = `${quoteIdent(db.schema)}.batch_states`;
    this.deleted = `${quoteIdent(db.schema)}.deleted_batches`;
  }

  /** Records a status unless a later one is known (events of different streams can arrive out of order). A deleted batch stays deleted. */
  async record(
    client: SqlClient,
    batch: { batch_id: string; org_id: string; status: string; at: Date },
  ): Promise<boolean> {
    const result = await client.query(
      `INSERT INTO ${this.table} AS b (batch_id, org_id, status, changed_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (batch_id) DO UPDATE SET status = EXCLUDED.status, changed_at = EXCLUDED.changed_at
        WHERE b.status <> 'deleted' AND (b.changed_at < EXCLUDED.changed_at OR EXCLUDED.status = 'deleted')`,
      [batch.batch_id, batch.org_id, batch.status, batch.at],
    );
    return (result.rowCount ?? 0) > 0;
  }

  /** The quoted `<schema>.batch_states`, for the admission view's join. */
  get tableName(): string {
    return this.table;
  }

  /** The quoted `<schema>.deleted_batches`, for AttemptsRepository.purgeSlotCountersOfDeletedBatches. */
  get deletedTableName(): string {
    return this.deleted;
  }

  /** Remembers a deleted batch, so the reaper's purge removes its attempts once they end. Idempotent. */
  async markDeleted(client: SqlClient, batchId: string, at: Date): Promise<void> {
    await client.query(`INSERT INTO ${this.deleted} (batch_id, deleted_at) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [
      batchId,
      at,
    ]);
  }

  /**
   * Ended attempts of deleted batches (their calls ended after the deletion): removed now, locked in
   * attempt id order first like every multi-row writer of attempts; returns how many.
   * `attemptsTable` is AttemptsRepository.tableName. Open attempts are left alone.
   */
  async purgeEndedAttemptsOfDeletedBatches(client: SqlClient, attemptsTable: string): Promise<number> {
    const result = await client.query(
      `DELETE FROM ${attemptsTable} WHERE attempt_id IN (
         SELECT a.attempt_id FROM ${attemptsTable} a JOIN ${this.deleted} d ON d.batch_id = a.batch_id
          WHERE a.status = 'ended' ORDER BY a.attempt_id FOR UPDATE OF a)`,
    );
    return result.rowCount ?? 0;
  }
}
