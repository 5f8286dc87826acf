import { Injectable } from '@nestjs/common';
import { Database, quoteIdent } from '@outdial/service-runtime';

export interface IdempotencyKeyRow<T> {
  fingerprint: string;
  /** The stored answer; null while the first request is still running. */
  response: T | null;
}

/**
 * Typed SQL over the gateway's `idempotency_keys` table (SPEC §9 `Idempotency-Key` on creates).
 *
 * Transactions and locks: none. Every method is one statement in autocommit; `claim` is the
 * atomic step (INSERT ... ON CONFLICT DO NOTHING on the primary key (org_id, key)), so of two
 * concurrent requests with the same key exactly one claims it and the other reads the row.
 */
@Injectable()
export class IdempotencyKeysRepository {
  private readonly table: string;

  constructor(private readonly db: Database) {
    this.table = `${quoteIdent(db.schema)}.idempotency_keys`;
  }

  /** Forgets the key when it was claimed more than `ttlHours` ago (whole hours). */
  async deleteExpired(orgId: string, key: string, ttlHours: number): Promise<void> {
    await this.db.query(
      `DELETE FROM ${this.table} WHERE org_id = $1 AND key = $2 AND created_at < now() - make_interval(hours => $3)`,
      [orgId, key, ttlHours],
    );
  }

  /** Claims the key for a request with this fingerprint; false when it is already claimed. */
  async claim(orgId: string, key: string, fingerprint: string): Promise<boolean> {
    const claimed = await this.db.query(
      `INSERT INTO ${this.table} (org_id, key, fingerprint) VALUES ($1, $2, $3) ON CONFLICT (org_id, key) DO NOTHING RETURNING key`,
      [orgId, key, fingerprint],
    );
    return claimed.length > 0;
  }

  /** Releases a claim whose request failed (only while it has no response), so the client may retry. */
  async release(orgId: string, key: string): Promise<void> {
    await this.db.query(`DELETE FROM ${this.table} WHERE org_id = $1 AND key = $2 AND response IS NULL`, [orgId, key]);
  }

  /** Stores the answer of the request that claimed the key. */
  async complete(orgId: string, key: string, response: unknown): Promise<void> {
    await this.db.query(`UPDATE ${this.table} SET response = $3, completed_at = now() WHERE org_id = $1 AND key = $2`, [
      orgId,
      key,
      JSON.stringify(response),
    ]);
  }

  async find<T>(orgId: string, key: string): Promise<IdempotencyKeyRow<T> | undefined> {
    const rows = await this.db.query<IdempotencyKeyRow<T>>(
      `SELECT fingerprint, response FROM ${this.table} WHERE org_id = $1 AND key = $2`,
      [orgId, key],
    );
    return rows[0];
  }
}
