import { Injectable } from '@nestjs/common';
import { ORG_LIMIT_DEFAULTS, OrgSettingsChangedEvent } from '@outdial/contracts';
import { Database, quoteIdent, SqlClient } from '@outdial/service-runtime';

import { bucketSize, TokenBucketState } from '../domain/org-token-bucket';

export interface OrgBudgetRow {
  org_id: string;
  max_concurrent_calls: number;
  calls_per_second: number;
  compliance_guard: boolean;
  settings_version: number;
  tokens: number;
  refilled_at: Date;
}

/**
 * Typed SQL over the dialer schema's `org_budgets` (schema from `Database`): per org, its limits
 * (from `v1.org.settings_changed`) and its shared call-rate token bucket.
 *
 * Transactions and locks: every method takes the caller's `SqlClient` and runs inside the caller's
 * transaction. `lock` takes the org row's lock (`SELECT ... FOR UPDATE`) until commit: it is THE
 * lock that makes an org's limits hold across replicas (admissions of one org run one at a time,
 * different orgs never wait for each other). `saveBucket` must follow `lock` in the same
 * transaction. `applySettings` is an upsert guarded by `settings_version` (it waits for an
 * admission holding the row lock, then applies or not).
 */
@Injectable()
export class OrgBudgetsRepository {
  private readonly table: string;

  constructor(db: Database) {
    this.table = `${quoteIdent(db.schema)}.org_budgets`;
  }

  /**
   * The org's budget row, locked until the transaction ends: admissions of one org happen one at a
   * time across all replicas. An org never announced gets ORG_LIMIT_DEFAULTS and a full bucket.
   */
  async lock(client: SqlClient, orgId: string, now: Date): Promise<OrgBudgetRow> {
    // The common case is one round trip; the insert happens once per org.
    const existing = await client.query<OrgBudgetRow>(`SELECT * FROM ${this.table} WHERE org_id = $1 FOR UPDATE`, [
      orgId,
    ]);
    if (existing.rows[0]) return existing.rows[0];
    await client.query(
      `INSERT INTO ${this.table} (org_id, max_concurrent_calls, calls_per_second, compliance_guard, settings_version, tokens, refilled_at)
       VALUES ($1, $2, $3, $4, 0, $5, $6)
       ON CONFLICT (org_id) DO NOTHING`,
      [
        orgId,
        ORG_LIMIT_DEFAULTS.max_concurrent_calls,
        ORG_LIMIT_DEFAULTS.calls_per_second,
        ORG_LIMIT_DEFAULTS.compliance_guard,
        bucketSize(ORG_LIMIT_DEFAULTS.calls_per_second),
        now,
      ],
    );
    const result = await client.query<OrgBudgetRow>(`SELECT * FROM ${this.table} WHERE org_id = $1 FOR UPDATE`, [
      orgId,
    ]);
    return result.rows[0];
  }

  /** Stores the bucket admission computed (tokens left, refill instant); caller holds `lock`. */
  async saveBucket(client: SqlClient, orgId: string, bucket: TokenBucketState): Promise<void> {
    await client.query(`UPDATE ${this.table} SET tokens = $2, refilled_at = $3 WHERE org_id = $1`, [
      orgId,
      bucket.tokens,
      new Date(bucket.refilledAtMs),
    ]);
  }

  /** Applies announced limits unless a higher version was applied already; a smaller bucket is emptied to its new size. */
  async applySettings(client: SqlClient, event: OrgSettingsChangedEvent, now: Date): Promise<boolean> {
    const result = await client.query(
      `INSERT INTO ${this.table} AS o (org_id, max_concurrent_calls, calls_per_second, compliance_guard, settings_version, tokens, refilled_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (org_id) DO UPDATE
          SET max_concurrent_calls = EXCLUDED.max_concurrent_calls,
              calls_per_second = EXCLUDED.calls_per_second,
              compliance_guard = EXCLUDED.compliance_guard,
              settings_version = EXCLUDED.settings_version,
              tokens = LEAST(o.tokens, EXCLUDED.tokens)
        WHERE o.settings_version < EXCLUDED.settings_version`,
      [
        event.org_id,
        event.max_concurrent_calls,
        event.calls_per_second,
        event.compliance_guard,
        event.version,
        bucketSize(event.calls_per_second),
        now,
      ],
    );
    return (result.rowCount ?? 0) > 0;
  }
}
