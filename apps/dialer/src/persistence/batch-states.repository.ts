import { Injectable } from '@nestjs/common';
import { Database, quoteIdent, SqlClient } from '@outdial/service-runtime';
import { BatchStateView } from '../domain/admission';

/** Typed SQL over `dialer.batch_states` and `dialer.deleted_batches`. */
@Injectable()
export class BatchStatesRepository {
  private readonly table: string;
  private readonly deleted: string;

  constructor(db: Database) {
    this.table = `${quoteIdent(db.schema)}.batch_states`;
    this.deleted = `${quoteIdent(db.schema)}.deleted_batches`;
  }

  /** Records a status unless a later one is known (events of different streams can arrive out of order). A deleted batch stays deleted. */
  async record(client: SqlClient, batch: { batch_id: string; org_id: string; status: string; at: Date }): Promise<boolean> {
    const result = await client.query(
      `INSERT INTO ${this.table} AS b (batch_id, org_id, status, changed_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (batch_id) DO UPDATE SET status = EXCLUDED.status, changed_at = EXCLUDED.changed_at
        WHERE b.status <> 'deleted' AND (b.changed_at < EXCLUDED.changed_at OR EXCLUDED.status = 'deleted')`,
      [batch.batch_id, batch.org_id, batch.status, batch.at],
    );
    return (result.rowCount ?? 0) > 0;
  }

  get tableName(): string {
    return this.table;
  }

  async get(client: SqlClient, batchId: string): Promise<BatchStateView | undefined> {
    const result = await client.query<{ status: string; changed_at: Date }>(`SELECT status, changed_at FROM ${this.table} WHERE batch_id = $1`, [batchId]);
    const row = result.rows[0];
    return row ? { status: row.status, changedAtMs: row.changed_at.getTime() } : undefined;
  }

  async markDeleted(client: SqlClient, batchId: string, at: Date): Promise<void> {
    await client.query(`INSERT INTO ${this.deleted} (batch_id, deleted_at) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [batchId, at]);
  }

  /** Ended attempts of deleted batches (their calls ended after the deletion): removed now. */
  async purgeEndedAttemptsOfDeletedBatches(client: SqlClient, attemptsTable: string): Promise<number> {
    const result = await client.query(
      `DELETE FROM ${attemptsTable} a USING ${this.deleted} d WHERE a.batch_id = d.batch_id AND a.status = 'ended'`,
    );
    return result.rowCount ?? 0;
  }
}
