import { Injectable } from '@nestjs/common';
import { CIRCUIT_BREAKER_DEFAULTS, CircuitBreakerSettings, ORG_LIMIT_DEFAULTS, OrgSettingsChangedEvent } from '@outdial/contracts';
import { Database } from '@outdial/service-runtime';
import { PoolClient } from 'pg';

export interface OrgLimits {
  max_concurrent_calls: number;
  compliance_guard: boolean;
}

/** The org settings the scheduler needs, as last published by the gateway (defaults until then). */
@Injectable()
export class OrgSettingsRepository {
  constructor(private readonly db: Database) {}

  /** Keeps the highest version; an older or repeated event changes nothing. */
  async apply(event: OrgSettingsChangedEvent): Promise<void> {
    await this.db.query(
      `INSERT INTO scheduler.orgs (org_id, max_concurrent_calls, calls_per_second, compliance_guard, circuit_breaker, version)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (org_id) DO UPDATE SET max_concurrent_calls = EXCLUDED.max_concurrent_calls,
         calls_per_second = EXCLUDED.calls_per_second, compliance_guard = EXCLUDED.compliance_guard,
         circuit_breaker = EXCLUDED.circuit_breaker, version = EXCLUDED.version
       WHERE scheduler.orgs.version < EXCLUDED.version`,
      [event.org_id, event.max_concurrent_calls, event.calls_per_second, event.compliance_guard, event.circuit_breaker ? JSON.stringify(event.circuit_breaker) : null, event.version],
    );
  }

  async limits(orgIds: string[], client?: PoolClient): Promise<Map<string, OrgLimits>> {
    const sql = `SELECT org_id, max_concurrent_calls, compliance_guard FROM scheduler.orgs WHERE org_id = ANY($1)`;
    const rows = client ? (await client.query<OrgLimits & { org_id: string }>(sql, [orgIds])).rows : await this.db.query<OrgLimits & { org_id: string }>(sql, [orgIds]);
    const found = new Map(rows.map((r) => [r.org_id, { max_concurrent_calls: r.max_concurrent_calls, compliance_guard: r.compliance_guard }]));
    return new Map(orgIds.map((id) => [id, found.get(id) ?? { max_concurrent_calls: ORG_LIMIT_DEFAULTS.max_concurrent_calls, compliance_guard: ORG_LIMIT_DEFAULTS.compliance_guard }]));
  }

  /** The org's auto-pause rule (SPEC §4), the defaults until its settings event arrives. */
  async circuitBreaker(orgId: string, client: PoolClient): Promise<CircuitBreakerSettings> {
    const rows = await client.query<{ circuit_breaker: Partial<CircuitBreakerSettings> | null }>(`SELECT circuit_breaker FROM scheduler.orgs WHERE org_id = $1`, [orgId]);
    return { ...CIRCUIT_BREAKER_DEFAULTS, ...(rows.rows[0]?.circuit_breaker ?? {}) };
  }

  async complianceGuard(orgId: string, client?: PoolClient): Promise<boolean> {
    return (await this.limits([orgId], client)).get(orgId)!.compliance_guard;
  }
}
