import { Injectable } from '@nestjs/common';
import { Database, quoteIdent } from '@outdial/service-runtime';

/** One number on an org's do-not-call list. */
export interface SuppressedNumber {
  /** E.164. */
  phone: string;
  reason: string | null;
  created_at: Date;
}

/**
 * Typed SQL over ingest's `suppressed_numbers`: each org's do-not-call list (SPEC §2), numbers in
 * E.164, primary key (org_id, phone).
 *
 * Transactions and locks: every method is one statement on the pool (its own transaction); none
 * needs the caller's. Adds are `ON CONFLICT DO NOTHING`, so concurrent adds of one number (an
 * import, an opt-out, a manual add) never fail and count the number once; no row locks are taken.
 * `addOptedOutContact` reads `contacts` and `batches` in the same statement.
 */
@Injectable()
export class SuppressionRepository {
  private readonly table: string;
  private readonly contactsTable: string;
  private readonly batchesTable: string;

  constructor(private readonly db: Database) {
    const schema = quoteIdent(db.schema);
    this.table = `${schema}.suppressed_numbers`;
    this.contactsTable = `${schema}.contacts`;
    this.batchesTable = `${schema}.batches`;
  }

  /** Every number of the org's list (checked against every row of an upload). */
  async phonesOf(orgId: string): Promise<Set<string>> {
    const rows = await this.db.query<{ phone: string }>(`SELECT phone FROM ${this.table} WHERE org_id = $1`, [orgId]);
    return new Set(rows.map((r) => r.phone));
  }

  /**
   * One page of the org's list, newest first (then by number), and the total; `digits` (may be
   * empty) keeps the numbers that contain them.
   */
  async page(
    orgId: string,
    digits: string,
    limit: number,
    offset: number,
  ): Promise<{ items: SuppressedNumber[]; total: number }> {
    const params: unknown[] = [orgId];
    let filter = '';
    if (digits) {
      params.push(`%${digits}%`);
      filter = ` AND phone LIKE $2`;
    }
    const [{ total }] = await this.db.query<{ total: number }>(
      `SELECT count(*)::int AS total FROM ${this.table} WHERE org_id = $1${filter}`,
      params,
    );
    const items = await this.db.query<SuppressedNumber>(
      `SELECT phone, reason, created_at FROM ${this.table} WHERE org_id = $1${filter}
        ORDER BY created_at DESC, phone LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, limit, offset],
    );
    return { items, total };
  }

  /** Adds numbers (E.164, distinct) to the org's list; returns how many were not on it already. */
  async addMany(orgId: string, phones: string[], reason: string | null): Promise<number> {
    if (phones.length === 0) return 0;
    const rows = await this.db.query(
      `INSERT INTO ${this.table} (org_id, phone, reason) SELECT $1, unnest($2::text[]), $3
       ON CONFLICT (org_id, phone) DO NOTHING RETURNING phone`,
      [orgId, phones, reason],
    );
    return rows.length;
  }

  /**
   * Adds the number of a stored contact of the org's batch with reason `opted_out`; false when it
   * was already listed, or when no such contact exists (or its number is invalid).
   */
  async addOptedOutContact(orgId: string, batchId: string, contactId: string): Promise<boolean> {
    const rows = await this.db.query(
      `INSERT INTO ${this.table} (org_id, phone, reason)
       SELECT b.org_id, c.phone, 'opted_out' FROM ${this.contactsTable} c JOIN ${this.batchesTable} b ON b.batch_id = c.batch_id
        WHERE c.contact_id = $1::uuid AND c.batch_id = $2 AND b.org_id = $3 AND c.status <> 'invalid_number'
       ON CONFLICT (org_id, phone) DO NOTHING RETURNING phone`,
      [contactId, batchId, orgId],
    );
    return rows.length > 0;
  }

  /** Removes a number (E.164) from the org's list; false when it was not on it. */
  async remove(orgId: string, phone: string): Promise<boolean> {
    const rows = await this.db.query(`DELETE FROM ${this.table} WHERE org_id = $1 AND phone = $2 RETURNING phone`, [
      orgId,
      phone,
    ]);
    return rows.length > 0;
  }
}
