import { Injectable } from '@nestjs/common';
import {
  CIRCUIT_BREAKER_DEFAULTS,
  CircuitBreakerSettings,
  ORG_LIMIT_DEFAULTS,
  OrgSettingsChangedEvent,
} from '@outdial/contracts';
import { Database, quoteIdent, SqlClient } from '@outdial/service-runtime';

export interface OrgLimits {
  max_concurrent_calls: number;
  compliance_guard: boolean;
}

/**
 * The org settings the scheduler needs (`<schema>.orgs`: concurrency limit, compliance guard,
 * circuit-breaker rule), as last published by the gateway (`ORG_LIMIT_DEFAULTS` /
 * `CIRCUIT_BREAKER_DEFAULTS` until then).
 *
 * Transaction and locking contract: `apply` is one autocommit upsert (the version guard in its
 * `ON CONFLICT ... WHERE` makes concurrent and repeated events safe without a lock). The readers
 * take no lock; given a `client` they read inside the caller's transaction (a call result reads
 * the rule under its batch lock), without one on the pool.
 */
@Injectable()
export class OrgSettingsRepository {
  private readonly table: string;

  constructor(private readonly db: Database) {
    this.table = `${quoteIdent(db.schema)}.orgs`;
  }

  /** Keeps the highest version; an older or repeated event changes nothing. */
  async apply(event: OrgSettingsChangedEvent): Promise<void> {
    await this.db.query(
      `INSERT INTO ${this.table} AS o (org_id, max_concurrent_calls, calls_per_second, compliance_guard, circuit_breaker, version)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (org_id) DO UPDATE SET max_concurrent_calls = EXCLUDED.max_concurrent_calls,
         calls_per_second = EXCLUDED.calls_per_second, compliance_guard = EXCLUDED.compliance_guard,
         circuit_breaker = EXCLUDED.circuit_breaker, version = EXCLUDED.version
       WHERE o.version < EXCLUDED.version`,
      [
        event.org_id,
        event.max_concurrent_calls,
        event.calls_per_second,
        event.compliance_guard,
        event.circuit_breaker ? JSON.stringify(event.circuit_breaker) : null,
        event.version,
      ],
    );
  }

  /** Each org's concurrency limit and compliance guard (defaults for an org not heard of yet). */
  async limits(orgIds: string[], client?: SqlClient): Promise<Map<string, OrgLimits>> {
    const sql = `SELECT org_id, max_concurrent_calls, compliance_guard FROM ${this.table} WHERE org_id = ANY($1)`;
    const rows = client
      ? (await client.query<OrgLimits & { org_id: string }>(sql, [orgIds])).rows
      : await this.db.query<OrgLimits & { org_id: string }>(sql, [orgIds]);
    const found = new Map(
      rows.map((r) => [
        r.org_id,
        { max_concurrent_calls: r.max_concurrent_calls, compliance_guard: r.compliance_guard },
      ]),
    );
    return new Map(
      orgIds.map((id) => [
        id,
        found.get(id) ?? {
          max_concurrent_calls: ORG_LIMIT_DEFAULTS.max_concurrent_calls,
          compliance_guard: ORG_LIMIT_DEFAULTS.compliance_guard,
        },
      ]),
    );
  }

  /**
   * Each org's compliance guard and auto-pause rule (defaults for an org not heard of yet), in one
   * query inside the caller's transaction (a group of call results reads them under its batch locks).
   */
  async rulesOf(
    orgIds: string[],
    client: SqlClient,
  ): Promise<Map<string, { compliance_guard: boolean; circuit_breaker: CircuitBreakerSettings }>> {
    const rows = await client.query<{
      org_id: string;
      compliance_guard: boolean;
      circuit_breaker: Partial<CircuitBreakerSettings> | null;
    }>(`SELECT org_id, compliance_guard, circuit_breaker FROM ${this.table} WHERE org_id = ANY($1::text[])`, [orgIds]);
    const found = new Map(rows.rows.map((r) => [r.org_id, r]));
    return new Map(
      orgIds.map((id) => {
        const row = found.get(id);
        return [
          id,
          {
            compliance_guard: row?.compliance_guard ?? ORG_LIMIT_DEFAULTS.compliance_guard,
            circuit_breaker: { ...CIRCUIT_BREAKER_DEFAULTS, ...(row?.circuit_breaker ?? {}) },
          },
        ];
      }),
    );
  }

  /** Whether the org keeps the compliance guard on its calling windows (SPEC §3). */
  async complianceGuard(orgId: string, client?: SqlClient): Promise<boolean> {
    return (await this.limits([orgId], client)).get(orgId)!.compliance_guard;
  }
}
