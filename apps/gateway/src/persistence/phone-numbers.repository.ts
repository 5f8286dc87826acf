import { Injectable } from '@nestjs/common';
import { Database, quoteIdent, ServiceError, SqlClient } from '@outdial/service-runtime';

import { Page, PageParams } from '../domain/directory-rules';
import { selectPage } from './paging';

export interface PhoneNumberRow {
  org_id: string;
  e164: string;
  outbound_enabled: boolean;
  provider: string;
  created_at: Date;
  updated_at: Date;
}

/**
 * Typed SQL over the gateway's `phone_numbers` table (caller numbers: one org each).
 *
 * Transactions and locks: `ownerOf` and `insert` run inside the caller's transaction, after
 * `OrgsRepository.lock` (registrations of one org are serialized on the org row; the primary key
 * (org_id, e164) and the `ownerOf` check keep a number in one org). Everything else is a single
 * statement outside any transaction, with no lock beyond the row it writes.
 */
@Injectable()
export class PhoneNumbersRepository {
  private readonly table: string;

  constructor(private readonly db: Database) {
    this.table = `${quoteIdent(db.schema)}.phone_numbers`;
  }

  async list(orgId: string, page: PageParams): Promise<Page<PhoneNumberRow>> {
    return selectPage<PhoneNumberRow>(this.db, `${this.table} WHERE org_id = $1`, [orgId], 'created_at, e164', page);
  }

  /** Throws `not_found` for a number the org does not have. */
  async get(orgId: string, e164: string): Promise<PhoneNumberRow> {
    const rows = await this.db.query<PhoneNumberRow>(`SELECT * FROM ${this.table} WHERE org_id = $1 AND e164 = $2`, [
      orgId,
      e164,
    ]);
    if (rows.length === 0) throw new ServiceError('not_found', `phone number ${e164} not found`);
    return rows[0];
  }

  /** The org that registered `e164` (any org), if any. */
  async ownerOf(client: SqlClient, e164: string): Promise<string | undefined> {
    return (await client.query<{ org_id: string }>(`SELECT org_id FROM ${this.table} WHERE e164 = $1`, [e164])).rows[0]
      ?.org_id;
  }

  /** Whether any org registered `e164` (outside a transaction). */
  async isRegistered(e164: string): Promise<boolean> {
    return (await this.db.query(`SELECT 1 FROM ${this.table} WHERE e164 = $1`, [e164])).length > 0;
  }

  async insert(
    client: SqlClient,
    orgId: string,
    e164: string,
    outboundEnabled: boolean,
    provider: string,
  ): Promise<PhoneNumberRow> {
    const inserted = await client.query<PhoneNumberRow>(
      `INSERT INTO ${this.table} (org_id, e164, outbound_enabled, provider) VALUES ($1, $2, $3, $4) RETURNING *`,
      [orgId, e164, outboundEnabled, provider],
    );
    return inserted.rows[0];
  }

  /** Changes what is given; throws `not_found` for a number the org does not have. */
  async update(
    orgId: string,
    e164: string,
    changes: { outbound_enabled?: boolean; provider?: string },
  ): Promise<PhoneNumberRow> {
    const rows = await this.db.query<PhoneNumberRow>(
      `UPDATE ${this.table} SET outbound_enabled = COALESCE($3, outbound_enabled), provider = COALESCE($4, provider), updated_at = now()
       WHERE org_id = $1 AND e164 = $2 RETURNING *`,
      [orgId, e164, changes.outbound_enabled ?? null, changes.provider ?? null],
    );
    if (rows.length === 0) throw new ServiceError('not_found', `phone number ${e164} not found`);
    return rows[0];
  }

  /** Throws `not_found` for a number the org does not have. */
  async delete(orgId: string, e164: string): Promise<void> {
    const rows = await this.db.query(`DELETE FROM ${this.table} WHERE org_id = $1 AND e164 = $2 RETURNING e164`, [
      orgId,
      e164,
    ]);
    if (rows.length === 0) throw new ServiceError('not_found', `phone number ${e164} not found`);
  }

  /** Whether `e164` is an outbound-enabled number of the org. */
  async isOutboundEnabled(orgId: string, e164: string): Promise<boolean> {
    return (
      (
        await this.db.query(`SELECT 1 FROM ${this.table} WHERE org_id = $1 AND e164 = $2 AND outbound_enabled`, [
          orgId,
          e164,
        ])
      ).length > 0
    );
  }

  /** The org's first outbound-enabled number (by registration), the default caller number of a batch. */
  async firstOutbound(orgId: string): Promise<string | undefined> {
    const rows = await this.db.query<{ e164: string }>(
      `SELECT e164 FROM ${this.table} WHERE org_id = $1 AND outbound_enabled ORDER BY created_at, e164 LIMIT 1`,
      [orgId],
    );
    return rows[0]?.e164;
  }
}
