import { Injectable } from '@nestjs/common';
import { AmdVerdict, CallOutcome, UnrecoverableReason } from '@outdial/contracts';
import { Database, quoteIdent, SqlClient } from '@outdial/service-runtime';

import { AttemptRecord, NewAttempt } from '../domain/attempt-record';

export type { NewAttempt } from '../domain/attempt-record';

export interface AttemptEnding {
  outcome: CallOutcome;
  ended_at: Date;
  duration_seconds: number;
  failure_reason?: string;
  answered_at?: Date;
  provider_call_id?: string;
  recording_url?: string;
  transcript?: string;
  /** The AMD verdict the end came with (kept if one was recorded before). */
  answered_by?: AmdVerdict;
  /** Hold the call-finished until the AMD verdict arrives, at the latest until this instant. */
  report_held_until?: Date;
  /** The platform's own cost of the call, when it said. */
  cost?: number;
  /** No later attempt of the batch can get past this end (carried on call-finished). */
  unrecoverable_reason?: UnrecoverableReason;
}

/** The provider accepted the call of this attempt (`recordDialingMany`). */
export interface DialRecord {
  attempt_id: string;
  provider_call_id: string;
  started_at: Date;
  hangup_on_machine: boolean;
}

/** One attempt moved to ringing / in_progress by `advanceMany`, guarded by the state it was decided on. */
export interface AttemptAdvance {
  attempt_id: string;
  status: 'ringing' | 'in_progress';
  answered_at?: Date;
  provider_call_id?: string;
  answered_by?: AmdVerdict;
  expected: ExpectedState;
}

/** The state a provider event was decided on: a guarded write applies only if the row still has it. */
export interface ExpectedState {
  status: string;
  answered_by: AmdVerdict | null;
}

/**
 * Typed SQL over the dialer schema's `attempts` table (schema from `Database`): one row per
 * (contact, attempt) ever admitted; an open row (status <> 'ended') holds a concurrency slot,
 * counted in `open_slots` by triggers on this table (migration 006): inserting an open row takes
 * its org, batch and agent slots, its move to `ended` (or its deletion while open) gives them back,
 * exactly once because every update to `ended` is guarded by `status <> 'ended'`.
 *
 * Transactions and locks: every method takes the caller's `SqlClient` and runs inside the caller's
 * transaction (`Database.tx`); none opens its own.
 * - Open attempts are inserted only by admission (OrgBudgetsRepository.admit, under the org row
 *   lock). `insertIfAbsent` records attempts already ended (they hold no slot); the UNIQUE
 *   (contact_id, attempt) and the primary key make a second admission a no-op anyway.
 * - Ending attempts takes, once per statement (trigger of migration 009), the row locks of the
 *   returned-slot counters of ONE shard (chosen by the transaction) until commit, in (org, scope,
 *   key) order; a transaction that ends attempts in several statements across orgs (the reaper)
 *   must be the only one doing so (`tryLockReaping`), or two of them could take those rows in
 *   opposite orders.
 * - Provider events read without a lock (`get` / `getByProviderCall`), decide, and write with a
 *   guard on what they read (`advance` / `end` with `expected`, `recordVerdict` only without a
 *   verdict, `settleHeld` only while held): a concurrent event of the same attempt makes the write
 *   miss and the caller decides again, so events of one attempt still apply one at a time in effect.
 *   `lock` / `lockByProviderCall` take the attempt's row lock (`FOR UPDATE`) until commit.
 * - Several attempts in one statement (`advanceMany`, `endMany`, `recordDialingMany`): rows locked in
 *   attempt id order first; `endMany` then ends them in one UPDATE, its slots given back once for
 *   the statement, so no two writers deadlock.
 * - `claimExpired` / `claimHeldDue` lock up to `limit` rows `FOR UPDATE SKIP LOCKED`: every replica
 *   may run them at once without two ending or settling the same attempt.
 * - Updates are guarded (`WHERE status <> 'ended'`, `report_held_until IS NOT NULL`), so a late or
 *   repeated writer changes nothing and gets null back.
 */
@Injectable()
export class AttemptsRepository {
  private readonly table: string;
  private readonly orgBudgetsTable: string;
  private readonly openSlotsTable: string;
  private readonly schemaPrefix: string;

  constructor(db: Database) {
    this.schemaPrefix = `${quoteIdent(db.schema)}.`;
    this.table = `${quoteIdent(db.schema)}.attempts`;
    this.orgBudgetsTable = `${quoteIdent(db.schema)}.org_budgets`;
    this.openSlotsTable = `${quoteIdent(db.schema)}.open_slots`;
  }

  get tableName(): string {
    return this.table;
  }

  /**
   * The slot-counter rows (`open_slots`, scope `batch`) of deleted batches that have no attempt left
   * (every call ended and was purged): removed; returns how many rows. Their shards sum to 0 and
   * nothing moves them again (a deleted batch is never admitted), so they were dead weight, up to 9
   * rows per batch. Autocommit-safe; the org and agent counters are never touched.
   */
  async purgeSlotCountersOfDeletedBatches(client: SqlClient, deletedBatchesTable: string): Promise<number> {
    const result = await client.query(
      `DELETE FROM ${this.openSlotsTable} o USING ${deletedBatchesTable} d
        WHERE o.scope = 'batch' AND o.key = d.batch_id
          AND NOT EXISTS (SELECT 1 FROM ${this.table} a WHERE a.batch_id = d.batch_id)`,
    );
    return result.rowCount ?? 0;
  }

  /**
   * Admits an attempt (status `admitted`, or already `ended` when `ending` is given). Returns null
   * when this (contact, attempt) or attempt id was admitted before: the caller must not dial.
   */
  async insertIfAbsent(client: SqlClient, attempt: NewAttempt, ending?: AttemptEnding): Promise<AttemptRecord | null> {
    const result = await client.query<AttemptRecord>(
      `INSERT INTO ${this.table}
         (attempt_id, contact_id, attempt, batch_id, org_id, provider, status, requested_at, lease_expires_at, timeout_seconds,
          outcome, ended_at, duration_seconds, failure_reason, admitted_by, admitted_at, agent_id, unrecoverable_reason)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
       ON CONFLICT DO NOTHING
       RETURNING *`,
      [
        attempt.attempt_id,
        attempt.contact_id,
        attempt.attempt,
        attempt.batch_id,
        attempt.org_id,
        attempt.provider,
        ending ? 'ended' : 'admitted',
        attempt.requested_at,
        attempt.lease_expires_at,
        attempt.timeout_seconds,
        ending?.outcome ?? null,
        ending?.ended_at ?? null,
        ending?.duration_seconds ?? null,
        ending?.failure_reason ?? null,
        attempt.admitted_by ?? null,
        attempt.admitted_at ?? null,
        attempt.agent_id ?? null,
        ending?.unrecoverable_reason ?? null,
      ],
    );
    return result.rows[0] ?? null;
  }

  /** The attempt recorded for this attempt id or (contact, attempt), if any. */
  async find(
    client: SqlClient,
    request: { attempt_id: string; contact_id: string; attempt: number },
  ): Promise<AttemptRecord | null> {
    const result = await client.query<AttemptRecord>(
      `SELECT * FROM ${this.table} WHERE attempt_id = $1 OR (contact_id = $2 AND attempt = $3) LIMIT 1`,
      [request.attempt_id, request.contact_id, request.attempt],
    );
    return result.rows[0] ?? null;
  }

  /**
   * The slots in use of an org, one of its batches and one of its agents, as the counter rows
   * (`open_slots`, kept by the triggers of migration 006: +1 when an attempt is inserted open, -1
   * exactly once when it ends or an open one is deleted) say. What admission reads under the org lock.
   */
  async openSlots(
    client: SqlClient,
    of: { org_id: string; batch_id: string; agent_id?: string | null },
  ): Promise<{ org_open: number; batch_open: number; agent_open: number }> {
    const result = await client.query<{ org_open: number; batch_open: number; agent_open: number }>(
      `SELECT coalesce(sum(open) FILTER (WHERE scope = 'org'), 0)::int AS org_open,
              coalesce(sum(open) FILTER (WHERE scope = 'batch'), 0)::int AS batch_open,
              coalesce(sum(open) FILTER (WHERE scope = 'agent'), 0)::int AS agent_open
         FROM ${this.openSlotsTable}
        WHERE org_id = $1 AND ((scope = 'org' AND key = '') OR (scope = 'batch' AND key = $2) OR (scope = 'agent' AND key = $3))`,
      [of.org_id, of.batch_id, of.agent_id ?? null],
    );
    return result.rows[0];
  }

  /**
   * Takes back an admission the provider provably did not act on (it refused before placing the
   * call): nothing was dialed, so the request may be admitted again later.
   */
  async deleteUndialed(client: SqlClient, attemptId: string): Promise<boolean> {
    const result = await client.query(
      `DELETE FROM ${this.table} WHERE attempt_id = $1 AND status = 'admitted' AND provider_call_id IS NULL`,
      [attemptId],
    );
    return (result.rowCount ?? 0) > 0;
  }

  /**
   * Removes a deleted batch's ended attempts; open ones keep their slot until their call ends. The
   * rows are locked in attempt id order first, like every multi-row writer of attempts (no deadlock
   * with a group of dial records or ends holding some of them).
   */
  async deleteEndedOfBatch(client: SqlClient, batchId: string): Promise<{ deleted: number; open: number }> {
    const deleted = await client.query(
      `DELETE FROM ${this.table} WHERE attempt_id IN (
         SELECT attempt_id FROM ${this.table} WHERE batch_id = $1 AND status = 'ended' ORDER BY attempt_id FOR UPDATE)`,
      [batchId],
    );
    const open = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${this.table} WHERE batch_id = $1`, [
      batchId,
    ]);
    return { deleted: deleted.rowCount ?? 0, open: open.rows[0].n };
  }

  /**
   * Records that the provider accepted the call. Provider events may already have moved the
   * attempt on (or ended it), so the status only moves from `admitted` and nothing is overwritten.
   */
  async recordDialing(
    client: SqlClient,
    attemptId: string,
    providerCallId: string,
    startedAt: Date,
    hangupOnMachine = false,
  ): Promise<AttemptRecord | null> {
    const [row] = await this.recordDialingMany(client, [
      {
        attempt_id: attemptId,
        provider_call_id: providerCallId,
        started_at: startedAt,
        hangup_on_machine: hangupOnMachine,
      },
    ]);
    return row ?? null;
  }

  /**
   * `recordDialing` for many attempts in ONE statement (the dial records of a group of place-calls):
   * same rules, rows locked in attempt id order first (as `advanceMany` / `endMany`). Returns the
   * rows as updated (an attempt deleted meanwhile is absent).
   */
  async recordDialingMany(client: SqlClient, dials: readonly DialRecord[]): Promise<AttemptRecord[]> {
    if (dials.length === 0) return [];
    const result = await client.query<AttemptRecord>(
      `WITH locked AS (
         SELECT attempt_id FROM ${this.table} WHERE attempt_id = ANY($1::text[]) ORDER BY attempt_id FOR UPDATE
       )
       UPDATE ${this.table} AS a
          SET provider_call_id = COALESCE(a.provider_call_id, v.provider_call_id),
              started_at = COALESCE(a.started_at, v.started_at),
              status = CASE WHEN a.status = 'admitted' THEN 'dialing' ELSE a.status END,
              hangup_on_machine = v.hangup_on_machine
         FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::boolean[])
              AS v(attempt_id, provider_call_id, started_at, hangup_on_machine),
              locked
        WHERE a.attempt_id = v.attempt_id AND locked.attempt_id = v.attempt_id
        RETURNING a.*`,
      [
        dials.map((d) => d.attempt_id),
        dials.map((d) => d.provider_call_id),
        dials.map((d) => d.started_at),
        dials.map((d) => d.hangup_on_machine),
      ],
    );
    return result.rows;
  }

  /**
   * The attempt as committed now, without a lock: provider events decide on it and then write with
   * a guard on what they read (`expected` of advance / recordVerdict / end), retrying on a miss.
   */
  async get(client: SqlClient, attemptId: string): Promise<AttemptRecord | null> {
    const result = await client.query<AttemptRecord>(`SELECT * FROM ${this.table} WHERE attempt_id = $1`, [attemptId]);
    return result.rows[0] ?? null;
  }

  /**
   * The attempts of these ids as committed now, without a lock (one statement for a group of
   * provider events; see `get`). Unknown ids are simply absent.
   */
  async getMany(client: SqlClient, attemptIds: readonly string[]): Promise<AttemptRecord[]> {
    if (attemptIds.length === 0) return [];
    const result = await client.query<AttemptRecord>(`SELECT * FROM ${this.table} WHERE attempt_id = ANY($1::text[])`, [
      attemptIds,
    ]);
    return result.rows;
  }

  /**
   * `advance` for many attempts in ONE statement, each guarded by its own `expected` state (the
   * status and verdict it was decided on, still open). Returns the ids that moved; a missing id
   * means its guard missed (a concurrent event moved it: decide again). Locks the rows in attempt id
   * order first (as `endMany` and `recordDialingMany` do), so two such statements never deadlock;
   * no counter rows (the attempts stay open). Run it on its own (autocommit), not in a transaction
   * that then locks other attempts.
   */
  async advanceMany(client: SqlClient, advances: readonly AttemptAdvance[]): Promise<Set<string>> {
    if (advances.length === 0) return new Set();
    const result = await client.query<{ attempt_id: string }>(
      `WITH locked AS (
         SELECT attempt_id FROM ${this.table} WHERE attempt_id = ANY($1::text[]) ORDER BY attempt_id FOR UPDATE
       )
       UPDATE ${this.table} AS a
          SET status = v.status,
              answered_at = COALESCE(a.answered_at, v.answered_at),
              provider_call_id = COALESCE(a.provider_call_id, v.provider_call_id),
              answered_by = COALESCE(a.answered_by, v.answered_by)
         FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::text[], $5::text[], $6::text[], $7::text[])
              AS v(attempt_id, status, answered_at, provider_call_id, answered_by, expected_status, expected_answered_by),
              locked
        WHERE a.attempt_id = v.attempt_id AND locked.attempt_id = v.attempt_id AND a.status <> 'ended'
          AND a.status = v.expected_status AND a.answered_by IS NOT DISTINCT FROM v.expected_answered_by
        RETURNING a.attempt_id`,
      [
        advances.map((x) => x.attempt_id),
        advances.map((x) => x.status),
        advances.map((x) => x.answered_at ?? null),
        advances.map((x) => x.provider_call_id ?? null),
        advances.map((x) => x.answered_by ?? null),
        advances.map((x) => x.expected.status),
        advances.map((x) => x.expected.answered_by),
      ],
    );
    return new Set(result.rows.map((r) => r.attempt_id));
  }

  /**
   * `end` for many attempts in ONE statement (the `end_attempts` function of migration 007), each
   * guarded by its own `expected` state. Returns the rows that ended; a missing id means its guard
   * missed. The attempt rows are locked in attempt id order first, then ended in one UPDATE whose
   * slots are given back once, on one shard (migration 009), so two callers take the attempt rows
   * and then the slot counter rows in the same order (no deadlock); run it in the transaction that
   * enqueues the call-finished events, after no other lock of attempts.
   */
  async endMany(
    client: SqlClient,
    ends: readonly { attempt_id: string; ending: AttemptEnding; expected: ExpectedState }[],
  ): Promise<AttemptRecord[]> {
    if (ends.length === 0) return [];
    const payload = ends.map(({ attempt_id, ending, expected }) => ({
      attempt_id,
      outcome: ending.outcome,
      ended_at: ending.ended_at.toISOString(),
      duration_seconds: ending.duration_seconds,
      failure_reason: ending.failure_reason ?? null,
      answered_at: ending.answered_at?.toISOString() ?? null,
      provider_call_id: ending.provider_call_id ?? null,
      recording_url: ending.recording_url ?? null,
      transcript: ending.transcript ?? null,
      answered_by: ending.answered_by ?? null,
      report_held_until: ending.report_held_until?.toISOString() ?? null,
      cost: ending.cost ?? null,
      expected_status: expected.status,
      expected_answered_by: expected.answered_by,
    }));
    const result = await client.query<AttemptRecord>(`SELECT * FROM ${this.schemaPrefix}end_attempts($1::jsonb)`, [
      JSON.stringify(payload),
    ]);
    return result.rows;
  }

  /** The attempt of a platform call, without a lock (see `get`). */
  async getByProviderCall(client: SqlClient, provider: string, providerCallId: string): Promise<AttemptRecord | null> {
    const result = await client.query<AttemptRecord>(
      `SELECT * FROM ${this.table} WHERE provider = $1 AND provider_call_id = $2 LIMIT 1`,
      [provider, providerCallId],
    );
    return result.rows[0] ?? null;
  }

  /** The attempt, locked until the transaction ends (provider events for it apply one at a time). */
  async lock(client: SqlClient, attemptId: string): Promise<AttemptRecord | null> {
    const result = await client.query<AttemptRecord>(`SELECT * FROM ${this.table} WHERE attempt_id = $1 FOR UPDATE`, [
      attemptId,
    ]);
    return result.rows[0] ?? null;
  }

  /**
   * Moves an open attempt to ringing or in_progress (an answer may carry the AMD verdict). With
   * `expected`, only if the row still has that status and verdict (false otherwise: decide again).
   */
  async advance(
    client: SqlClient,
    attemptId: string,
    status: 'ringing' | 'in_progress',
    fields: { answered_at?: Date; provider_call_id?: string; answered_by?: AmdVerdict },
    expected?: ExpectedState,
  ): Promise<boolean> {
    const result = await client.query(
      `UPDATE ${this.table}
          SET status = $2,
              answered_at = COALESCE(answered_at, $3),
              provider_call_id = COALESCE(provider_call_id, $4),
              answered_by = COALESCE(answered_by, $5)
        WHERE attempt_id = $1 AND status <> 'ended'
          AND ($6::text IS NULL OR (status = $6 AND answered_by IS NOT DISTINCT FROM $7::text))`,
      [
        attemptId,
        status,
        fields.answered_at ?? null,
        fields.provider_call_id ?? null,
        fields.answered_by ?? null,
        expected?.status ?? null,
        expected?.answered_by ?? null,
      ],
    );
    return (result.rowCount ?? 0) > 0;
  }

  /** Keeps the AMD verdict of an open attempt (the first one wins); it decides the outcome when the call ends. */
  async recordVerdict(
    client: SqlClient,
    attemptId: string,
    answeredBy: AmdVerdict,
    providerCallId: string,
  ): Promise<boolean> {
    const result = await client.query(
      `UPDATE ${this.table}
          SET answered_by = COALESCE(answered_by, $2),
              provider_call_id = COALESCE(provider_call_id, $3)
        WHERE attempt_id = $1 AND status <> 'ended' AND answered_by IS NULL`,
      [attemptId, answeredBy, providerCallId],
    );
    return (result.rowCount ?? 0) > 0;
  }

  /**
   * Releases an attempt whose report was held for its AMD verdict, with its final outcome (revised
   * by the verdict, or as it ended when none came). Null when it was not held (any more): released
   * once, whoever comes first.
   */
  async settleHeld(
    client: SqlClient,
    attemptId: string,
    outcome: CallOutcome,
    answeredBy?: AmdVerdict,
  ): Promise<AttemptRecord | null> {
    const result = await client.query<AttemptRecord>(
      `UPDATE ${this.table}
          SET outcome = $2,
              answered_by = COALESCE(answered_by, $3),
              report_held_until = NULL
        WHERE attempt_id = $1 AND report_held_until IS NOT NULL
        RETURNING *`,
      [attemptId, outcome, answeredBy ?? null],
    );
    return result.rows[0] ?? null;
  }

  /** Held attempts whose verdict wait is over, locked; rows another replica is settling are skipped. */
  async claimHeldDue(client: SqlClient, now: Date, limit: number): Promise<AttemptRecord[]> {
    const result = await client.query<AttemptRecord>(
      `SELECT * FROM ${this.table}
        WHERE report_held_until IS NOT NULL AND report_held_until <= $1
        ORDER BY report_held_until
        LIMIT $2
        FOR UPDATE SKIP LOCKED`,
      [now, limit],
    );
    return result.rows;
  }

  /**
   * Ends an open attempt; null when it had already ended (someone else reported it first) or, with
   * `expected`, when its status or verdict is no longer what the caller decided on.
   */
  async end(
    client: SqlClient,
    attemptId: string,
    ending: AttemptEnding,
    expected?: ExpectedState,
  ): Promise<AttemptRecord | null> {
    const result = await client.query<AttemptRecord>(
      `UPDATE ${this.table}
          SET status = 'ended',
              outcome = $2,
              ended_at = $3,
              duration_seconds = $4,
              failure_reason = $5,
              answered_at = COALESCE(answered_at, $6),
              provider_call_id = COALESCE(provider_call_id, $7),
              recording_url = $8,
              transcript = $9,
              answered_by = COALESCE(answered_by, $10),
              report_held_until = $11,
              cost = $12,
              unrecoverable_reason = $13
        WHERE attempt_id = $1 AND status <> 'ended'
          AND ($14::text IS NULL OR (status = $14 AND answered_by IS NOT DISTINCT FROM $15::text))
        RETURNING *`,
      [
        attemptId,
        ending.outcome,
        ending.ended_at,
        ending.duration_seconds,
        ending.failure_reason ?? null,
        ending.answered_at ?? null,
        ending.provider_call_id ?? null,
        ending.recording_url ?? null,
        ending.transcript ?? null,
        ending.answered_by ?? null,
        ending.report_held_until ?? null,
        ending.cost ?? null,
        ending.unrecoverable_reason ?? null,
        expected?.status ?? null,
        expected?.answered_by ?? null,
      ],
    );
    return result.rows[0] ?? null;
  }

  /**
   * The attempt of a platform call, locked (for webhooks that name only the platform's call id).
   */
  async lockByProviderCall(client: SqlClient, provider: string, providerCallId: string): Promise<AttemptRecord | null> {
    const result = await client.query<AttemptRecord>(
      `SELECT * FROM ${this.table} WHERE provider = $1 AND provider_call_id = $2 LIMIT 1 FOR UPDATE`,
      [provider, providerCallId],
    );
    return result.rows[0] ?? null;
  }

  /**
   * Whether this transaction may end attempts in bulk (the reaper): a transaction-scoped advisory
   * lock, so one reaper at a time across replicas ends many attempts in one transaction (the
   * others skip this tick). Ends of single attempts never need it.
   */
  async tryLockReaping(client: SqlClient): Promise<boolean> {
    const result = await client.query<{ locked: boolean }>(`SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked`, [
      `outdial-reaper:${this.table}`,
    ]);
    return result.rows[0].locked;
  }

  /**
   * Open attempts whose lease expired (the `limit` oldest), locked; rows another replica is reaping
   * are skipped. Returned in (org, returned-slot shard, attempt id) order: ending them in this order
   * takes the slot counter rows in the order `endMany` does (no deadlock with grouped ends).
   */
  async claimExpired(client: SqlClient, now: Date, limit: number): Promise<AttemptRecord[]> {
    const result = await client.query<AttemptRecord>(
      `SELECT * FROM (
         SELECT * FROM ${this.table}
          WHERE status <> 'ended' AND lease_expires_at < $1
          ORDER BY lease_expires_at
          LIMIT $2
          FOR UPDATE SKIP LOCKED
       ) claimed
       ORDER BY org_id, ((hashtext(attempt_id) % 8) + 8) % 8, attempt_id`,
      [now, limit],
    );
    return result.rows;
  }

  /**
   * Open attempts per org, with 0 for every org the dialer has limits for (so the
   * `outdial_active_calls` series exists, at 0, while an org has no call in progress).
   */
  async countOpenByOrg(client: SqlClient): Promise<{ org_id: string; open: number }[]> {
    const result = await client.query<{ org_id: string; open: number }>(
      `SELECT org_id, sum(open)::int AS open FROM (
         SELECT org_id, open FROM ${this.openSlotsTable} WHERE scope = 'org'
         UNION ALL SELECT org_id, 0 FROM ${this.orgBudgetsTable}
       ) per_org GROUP BY org_id`,
    );
    return result.rows;
  }
}
