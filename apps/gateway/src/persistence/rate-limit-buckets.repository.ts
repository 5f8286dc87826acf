import { Injectable } from '@nestjs/common';
import { Database, quoteIdent } from '@outdial/service-runtime';

/**
 * Typed SQL over the gateway's `rate_limit_buckets` table: the API rate limit's token buckets,
 * shared by every gateway replica.
 *
 * Transactions and locks: `take` is one `INSERT … ON CONFLICT DO UPDATE … RETURNING` statement in
 * its own implicit transaction. Concurrent takes of one key are serialized by the row lock that the
 * upsert takes (the second waits for the first to commit, then refills from the first's result), so
 * N gateways together never let more through than one bucket would. Time is the database's clock
 * (`clock_timestamp()`), one clock for every replica. `pruneIdle` is a single DELETE of rows that are
 * full again (no lock held beyond the statement).
 */
@Injectable()
export class RateLimitBucketsRepository {
  private readonly table: string;

  constructor(private readonly db: Database) {
    this.table = `${quoteIdent(db.schema)}.rate_limit_buckets`;
  }

  /**
   * Takes one token from `key`'s bucket (`burst` capacity, refilled at `ratePerSecond`; a new key
   * starts full). Same formula as `takeToken` in domain/token-bucket.ts. Returns whether the take
   * was allowed and the (fractional) tokens left.
   */
  async take(key: string, ratePerSecond: number, burst: number): Promise<{ allowed: boolean; tokens: number }> {
    const refilled = `least($3::float8, b.tokens + greatest(0, EXCLUDED.at_ms - b.at_ms) * $2::float8 / 1000)`;
    const rows = await this.db.query<{ allowed: boolean; tokens: number }>(
      `INSERT INTO ${this.table} AS b (bucket_key, tokens, at_ms, allowed)
       VALUES ($1, $3::float8 - 1, extract(epoch FROM clock_timestamp()) * 1000, true)
       ON CONFLICT (bucket_key) DO UPDATE SET
         allowed = ${refilled} >= 1,
         tokens = ${refilled} - CASE WHEN ${refilled} >= 1 THEN 1 ELSE 0 END,
         at_ms = greatest(b.at_ms, EXCLUDED.at_ms)
       RETURNING allowed, tokens`,
      [key, ratePerSecond, burst],
    );
    return rows[0];
  }

  /** Deletes the buckets untouched for `idleMs` (full again, so no different from no row); returns how many. */
  async pruneIdle(idleMs: number): Promise<number> {
    const rows = await this.db.query<{ n: number }>(
      `WITH gone AS (
         DELETE FROM ${this.table} WHERE at_ms < extract(epoch FROM clock_timestamp()) * 1000 - $1::float8 RETURNING 1
       ) SELECT count(*)::int AS n FROM gone`,
      [idleMs],
    );
    return rows[0].n;
  }
}
