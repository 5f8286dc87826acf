import { Injectable } from '@nestjs/common';
import { Database, quoteIdent } from '@outdial/service-runtime';

/**
 * Typed SQL over the gateway's `rate_limit_buckets` table: the API rate limit's token buckets,
 * shared by every gateway replica.
 *
 * Transactions and locks: `take` / `takeMany` is one `INSERT … ON CONFLICT DO UPDATE … RETURNING` statement in
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
   * starts full): `takeMany` for one. Returns whether the take was allowed and the (fractional)
   * tokens left.
   */
  async take(key: string, ratePerSecond: number, burst: number): Promise<{ allowed: boolean; tokens: number }> {
    const { granted, tokens } = await this.takeMany(key, ratePerSecond, burst, 1);
    return { allowed: granted === 1, tokens };
  }

  /**
   * Takes up to `count` (>= 1) tokens from `key`'s bucket in one statement: grants
   * min(count, whole tokens after the refill), exactly what `count` single takes at that instant
   * would let through. Same formula as `takeTokens` in domain/token-bucket.ts. Returns how many
   * were granted and the (fractional) tokens left.
   */
  async takeMany(
    key: string,
    ratePerSecond: number,
    burst: number,
    count: number,
  ): Promise<{ granted: number; tokens: number }> {
    const refilled = `least($3::float8, b.tokens + greatest(0, EXCLUDED.at_ms - b.at_ms) * $2::float8 / 1000)`;
    const granted = `least($4::float8, floor(${refilled}))`;
    // A named prepared statement: each pooled connection parses and plans it once, not per request.
    const { rows } = await this.db.pool.query<{ granted: number; tokens: number }>({
      name: `rate_limit_take ${this.table}`,
      text: `INSERT INTO ${this.table} AS b (bucket_key, tokens, at_ms, allowed, granted)
       VALUES ($1, $3::float8 - least($4::float8, $3::float8), extract(epoch FROM clock_timestamp()) * 1000, true,
               least($4::float8, $3::float8)::int)
       ON CONFLICT (bucket_key) DO UPDATE SET
         granted = (${granted})::int,
         allowed = ${granted} >= 1,
         tokens = ${refilled} - ${granted},
         at_ms = greatest(b.at_ms, EXCLUDED.at_ms)
       RETURNING granted, tokens`,
      values: [key, ratePerSecond, burst, count],
    });
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
