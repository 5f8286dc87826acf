import { Injectable } from '@nestjs/common';
import { ORG_LIMIT_DEFAULTS, OrgSettingsChangedEvent } from '@outdial/contracts';
import { Database, quoteIdent, SqlClient } from '@outdial/service-runtime';

import { AdmissionLimit } from '../domain/admission';
import { AttemptRecord } from '../domain/attempt-record';
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

/** What `admit` needs: the attempt to record and the limits the request carries. */
export interface AdmitInput {
  attempt_id: string;
  contact_id: string;
  attempt: number;
  batch_id: string;
  org_id: string;
  agent_id: string | undefined;
  provider: string;
  requested_at: string;
  timeout_seconds: number;
  /** DIALER_LEASE_GRACE_SECONDS: the lease is admission + timeout + grace. */
  lease_grace_seconds: number;
  admitted_by: string;
  batch_concurrency: number | undefined;
  agent_max_concurrent_calls: number | undefined;
  /** ISO instant: at or after it the contact may not be called (declined `outside_window`). */
  not_after: string | undefined;
  /** The service clock minus the real clock (ms): 0 unless CLOCK_OFFSET_MS / CLOCK_START_AT. */
  clock_offset_ms: number;
}

/** What every request of a group shares (the replica's own settings): see `admitMany`. */
export type AdmitGroupCommon = Pick<AdmitInput, 'lease_grace_seconds' | 'admitted_by' | 'clock_offset_ms'>;

/** The verdict of `admit` (the `admit_attempt` SQL function); `at` is the admission instant read under the lock. */
export type AdmitVerdict =
  | { verdict: 'admitted'; at: Date; attempt: AttemptRecord }
  | { verdict: 'reconciled'; at: Date; attempt: AttemptRecord }
  | { verdict: 'declined'; at: Date; reason: 'batch_not_running' | 'outside_window' }
  | { verdict: 'refused'; at: Date; limit: AdmissionLimit; retryAfterMs?: number };

/**
 * Typed SQL over the dialer schema's `org_budgets` (schema from `Database`): per org, its limits
 * (from `v1.org.settings_changed`) and its shared call-rate token bucket.
 *
 * Transactions and locks: every method takes the caller's `SqlClient` and runs inside the caller's
 * transaction, except `admit`, which is meant for an autocommit client (`db.pool`): it is ONE
 * statement, the `admit_attempt` function (migration 006), that takes the org row lock, decides and
 * records the admission, and commits, so the lock is held for that statement only. `lock` takes the org row's lock (`SELECT ... FOR UPDATE`) until commit: it is THE
 * lock that makes an org's limits hold across replicas (admissions of one org run one at a time,
 * different orgs never wait for each other). `saveBucket` must follow `lock` in the same
 * transaction. `applySettings` is an upsert guarded by `settings_version` (it waits for an
 * admission holding the row lock, then applies or not).
 */
@Injectable()
export class OrgBudgetsRepository {
  private readonly table: string;

  private readonly admitFunction: string;

  private readonly admitGroupFunction: string;

  constructor(db: Database) {
    this.table = `${quoteIdent(db.schema)}.org_budgets`;
    this.admitFunction = `${quoteIdent(db.schema)}.admit_attempt`;
    this.admitGroupFunction = `${quoteIdent(db.schema)}.admit_attempts`;
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

  /**
   * Admission in one round trip (issue 16): under the org row lock, already admitted? ->
   * reconciled; batch not running / `not_after` passed? -> declined; then the batch, agent and org
   * slots (counted in `open_slots`, kept by triggers on `attempts`) and a token of the org's
   * bucket; admitted: the attempt row is inserted open (its slots taken) and the bucket saved.
   * Refusals and declines record nothing. Unknown orgs get ORG_LIMIT_DEFAULTS and a full bucket.
   * The rules mirror domain/admission.ts and domain/org-token-bucket.ts.
   */
  async admit(client: SqlClient, input: AdmitInput): Promise<AdmitVerdict> {
    const result = await client.query(
      `SELECT r.out_verdict, r.out_limit, r.out_retry_ms, r.out_now, (r.out_attempt).*
         FROM ${this.admitFunction}($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) r`,
      [
        input.attempt_id,
        input.contact_id,
        input.attempt,
        input.batch_id,
        input.org_id,
        input.agent_id ?? null,
        input.provider,
        input.requested_at,
        input.timeout_seconds,
        input.lease_grace_seconds,
        input.admitted_by,
        input.batch_concurrency ?? null,
        input.agent_max_concurrent_calls ?? null,
        input.not_after ?? null,
        input.clock_offset_ms,
        ORG_LIMIT_DEFAULTS.max_concurrent_calls,
        ORG_LIMIT_DEFAULTS.calls_per_second,
        ORG_LIMIT_DEFAULTS.compliance_guard,
      ],
    );
    return verdictOf(result.rows[0]);
  }

  /**
   * Admission of a group of requests in one statement and one transaction (issue 16; the
   * `admit_attempts` SQL function, migration 008): each request is decided exactly as `admit` would
   * alone, in the order given within its org, orgs in org_id order; each org's budget row is locked
   * once for the group, until it commits. `common` is the replica's own part (lease grace, replica
   * id, clock offset read now). Returns one verdict per request, at the same index. Meant for an
   * autocommit client (`db.pool`). Throws what PostgreSQL throws (the group as a whole: nothing of
   * it was recorded).
   */
  async admitMany(
    client: SqlClient,
    requests: Omit<AdmitInput, keyof AdmitGroupCommon>[],
    common: AdmitGroupCommon,
  ): Promise<AdmitVerdict[]> {
    const result = await client.query(
      `SELECT r.out_i, r.out_verdict, r.out_limit, r.out_retry_ms, r.out_now, (r.out_attempt).*
         FROM ${this.admitGroupFunction}($1::jsonb, $2, $3, $4, $5, $6, $7) r`,
      [
        JSON.stringify(
          requests.map((q, i) => ({
            i,
            attempt_id: q.attempt_id,
            contact_id: q.contact_id,
            attempt: q.attempt,
            batch_id: q.batch_id,
            org_id: q.org_id,
            agent_id: q.agent_id ?? null,
            provider: q.provider,
            requested_at: q.requested_at,
            timeout_seconds: q.timeout_seconds,
            batch_concurrency: q.batch_concurrency ?? null,
            agent_max: q.agent_max_concurrent_calls ?? null,
            not_after: q.not_after ?? null,
          })),
        ),
        common.lease_grace_seconds,
        common.admitted_by,
        common.clock_offset_ms,
        ORG_LIMIT_DEFAULTS.max_concurrent_calls,
        ORG_LIMIT_DEFAULTS.calls_per_second,
        ORG_LIMIT_DEFAULTS.compliance_guard,
      ],
    );
    const verdicts: AdmitVerdict[] = new Array(requests.length);
    for (const { out_i: i, ...row } of result.rows) verdicts[i] = verdictOf(row);
    if (result.rows.length !== requests.length || verdicts.some((v) => v === undefined))
      throw new Error(`admit_attempts returned ${result.rows.length} verdicts for ${requests.length} requests`);
    return verdicts;
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

/** One row of `admit_attempt` / `admit_attempts` as a verdict (the attempt's columns follow out_now). */
function verdictOf(row: Record<string, unknown>): AdmitVerdict {
  const { out_verdict: verdict, out_limit: limit, out_retry_ms: retryMs, out_now: at, ...attempt } = row;
  switch (verdict) {
    case 'admitted':
    case 'reconciled':
      return { verdict, at: at as Date, attempt: attempt as unknown as AttemptRecord };
    case 'declined':
      return { verdict, at: at as Date, reason: limit as 'batch_not_running' | 'outside_window' };
    default:
      return {
        verdict: 'refused',
        at: at as Date,
        limit: limit as AdmissionLimit,
        retryAfterMs: (retryMs as number | null) ?? undefined,
      };
  }
}
