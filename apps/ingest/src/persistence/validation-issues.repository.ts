import { Injectable } from '@nestjs/common';
import { RowIssue } from '@outdial/contracts';
import { Database, quoteIdent, SqlClient } from '@outdial/service-runtime';

/** Issues written per INSERT (arrays of this many values per column). */
const INSERT_ISSUES = 5000;

/**
 * Typed SQL over ingest's `validation_issues`: every issue of a batch's validation (the create
 * answer carries the first ones; the full list is downloaded as CSV pages), by row.
 *
 * Transactions and locks: `insertAll` and `deleteOfBatch` take the caller's client and must run
 * inside the caller's transaction (with the batch row and its contacts). The page reads run alone
 * on the pool. No row locks: a batch's issues are written once and never updated.
 */
@Injectable()
export class ValidationIssuesRepository {
  private readonly table: string;

  constructor(private readonly db: Database) {
    this.table = `${quoteIdent(db.schema)}.validation_issues`;
  }

  /** Stores the batch's issues, `INSERT_ISSUES` per statement; inside the caller's transaction. */
  async insertAll(client: SqlClient, batchId: string, issues: RowIssue[]): Promise<void> {
    for (let i = 0; i < issues.length; i += INSERT_ISSUES) {
      const slice = issues.slice(i, i + INSERT_ISSUES);
      await client.query(
        `INSERT INTO ${this.table} (batch_id, row, phone, code, message)
         SELECT $1, * FROM unnest($2::int[], $3::text[], $4::text[], $5::text[])`,
        [
          batchId,
          slice.map((x) => x.row),
          slice.map((x) => x.phone),
          slice.map((x) => x.code),
          slice.map((x) => x.message),
        ],
      );
    }
  }

  /** The `rows`-th distinct row with issues after `afterRow` (or the last one before it), or null when none is left. */
  async lastRowOfPage(batchId: string, afterRow: number, rows: number): Promise<number | null> {
    const [bound] = await this.db.query<{ row: number }>(
      `SELECT row FROM (SELECT DISTINCT row FROM ${this.table} WHERE batch_id = $1 AND row > $2 ORDER BY row LIMIT $3) r
        ORDER BY row DESC LIMIT 1`,
      [batchId, afterRow, rows],
    );
    return bound ? bound.row : null;
  }

  /** The issues of rows (`afterRow`, `lastRow`], by row, each row's in the order they were stored. */
  async listRows(batchId: string, afterRow: number, lastRow: number): Promise<RowIssue[]> {
    return this.db.query<RowIssue>(
      `SELECT row, phone, code, message FROM ${this.table}
        WHERE batch_id = $1 AND row > $2 AND row <= $3 ORDER BY row, ctid`,
      [batchId, afterRow, lastRow],
    );
  }

  /** True when some issue is on a row after `row`. */
  async anyAfter(batchId: string, row: number): Promise<boolean> {
    const rows = await this.db.query(`SELECT 1 FROM ${this.table} WHERE batch_id = $1 AND row > $2 LIMIT 1`, [
      batchId,
      row,
    ]);
    return rows.length > 0;
  }

  /** Deletes the batch's issues; inside the caller's transaction. Returns how many. */
  async deleteOfBatch(client: SqlClient, batchId: string): Promise<number> {
    const result = await client.query(`DELETE FROM ${this.table} WHERE batch_id = $1`, [batchId]);
    return result.rowCount ?? 0;
  }
}
