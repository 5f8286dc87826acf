import { Injectable } from '@nestjs/common';
import { CircuitBreakerSettings } from '@outdial/contracts';
import { Database, quoteIdent, ServiceError, SqlClient } from '@outdial/service-runtime';

import { OrgRow } from '../domain/directory-events';

/** Limits given when an org is created (the table's defaults for the others). */
export interface NewOrgLimits {
  max_concurrent_calls?: number;
  calls_per_second?: number;
  compliance_guard?: boolean;
}

/** The org's full settings after a change (OrgSettings rules in `domain/directory-rules.ts`). */
export interface OrgSettingsRow {
  name: string;
  max_concurrent_calls: number;
  calls_per_second: number;
  compliance_guard: boolean;
  circuit_breaker: CircuitBreakerSettings;
}

/**
 * Typed SQL over the gateway's `orgs` table (the schema from `Database`).
 *
 * Transactions and locks: `insert`, `lock`, `selectForUpdate`, `update` and `listInTx` run inside
 * the caller's transaction (`DirectoryUnitOfWork.run`); `lock` and `selectForUpdate` take the org
 * row's lock (`SELECT ... FOR UPDATE`) until that transaction ends: every directory change of one
 * org (its settings, agents, numbers, tokens) is serialized on it, different orgs never wait for
 * each other. `get` and `list` read outside any transaction and take no lock.
 */
@Injectable()
export class OrgsRepository {
  private readonly table: string;

  constructor(private readonly db: Database) {
    this.table = `${quoteIdent(db.schema)}.orgs`;
  }

  /** Throws `not_found` for an unknown org. */
  async get(orgId: string): Promise<OrgRow> {
    const rows = await this.db.query<OrgRow>(`SELECT * FROM ${this.table} WHERE org_id = $1`, [orgId]);
    if (rows.length === 0) throw new ServiceError('not_found', `org ${orgId} not found`);
    return rows[0];
  }

  async list(): Promise<OrgRow[]> {
    return this.db.query<OrgRow>(`SELECT * FROM ${this.table} ORDER BY org_id`);
  }

  /** Every org, in the caller's transaction (the start-up republication). */
  async listInTx(client: SqlClient): Promise<OrgRow[]> {
    return (await client.query<OrgRow>(`SELECT * FROM ${this.table} ORDER BY org_id`)).rows;
  }

  /** Inserts an org at version 1; undefined when the id is taken (nothing written). */
  async insert(client: SqlClient, orgId: string, name: string, limits: NewOrgLimits): Promise<OrgRow | undefined> {
    const inserted = await client.query<OrgRow>(
      `INSERT INTO ${this.table} (org_id, name, max_concurrent_calls, calls_per_second, compliance_guard)
       VALUES ($1, $2, COALESCE($3, 5), COALESCE($4::numeric, 1), COALESCE($5, true))
       ON CONFLICT (org_id) DO NOTHING RETURNING *`,
      [
        orgId,
        name,
        limits.max_concurrent_calls ?? null,
        limits.calls_per_second ?? null,
        limits.compliance_guard ?? null,
      ],
    );
    return inserted.rows[0];
  }

  /** Locks the org's row (serializes directory changes per org); throws `not_found` for an unknown org. */
  async lock(client: SqlClient, orgId: string): Promise<void> {
    const rows = await client.query(`SELECT 1 FROM ${this.table} WHERE org_id = $1 FOR UPDATE`, [orgId]);
    if (rows.rows.length === 0) throw new ServiceError('not_found', `org ${orgId} not found`);
  }

  /** The org's row, locked until the transaction ends; undefined for an unknown org. */
  async selectForUpdate(client: SqlClient, orgId: string): Promise<OrgRow | undefined> {
    return (await client.query<OrgRow>(`SELECT * FROM ${this.table} WHERE org_id = $1 FOR UPDATE`, [orgId])).rows[0];
  }

  /** Writes the org's new settings and bumps its version (call with the row locked). */
  async update(client: SqlClient, orgId: string, next: OrgSettingsRow): Promise<OrgRow> {
    const updated = await client.query<OrgRow>(
      `UPDATE ${this.table} SET name = $2, max_concurrent_calls = $3, calls_per_second = $4, compliance_guard = $5,
         circuit_breaker = $6, version = version + 1, updated_at = now() WHERE org_id = $1 RETURNING *`,
      [
        orgId,
        next.name,
        next.max_concurrent_calls,
        next.calls_per_second,
        next.compliance_guard,
        JSON.stringify(next.circuit_breaker),
      ],
    );
    return updated.rows[0];
  }
}
