import { Injectable } from '@nestjs/common';
import type { CallFinishedEvent, CallsPageQuery, CallStartedEvent } from '@outdial/contracts';
import { Database, SqlClient } from '@outdial/service-runtime';

import { ReportingTables, reportingTables } from './reporting-tables';

/** One row of the calls list (SPEC §9 `/calls`), with the contact's phone. */
export interface AttemptListRow {
  attempt_id: string;
  contact_id: string;
  phone: string | null;
  attempt: number;
  outcome: string | null;
  status: string;
  started_at: Date | null;
  answered_at: Date | null;
  ended_at: Date | null;
  duration_seconds: number | null;
  cost: number | null;
  provider: string;
  provider_call_id: string | null;
  failure_reason: string | null;
  recording_url: string | null;
}

/** Ended calls of a batch grouped by outcome (the report's numbers). */
export interface OutcomeTotals {
  outcome: string;
  count: number;
  /** Sum of durations, seconds. */
  talk: number;
  /** Calls with a duration above zero. */
  connected: number;
}

/**
 * The call attempts of the read model (`attempts`), keyed by the dialer's attempt id. Start and
 * finish may arrive in any order; the first finish wins. Schema from `Database`.
 *
 * Transactions and locks: `recordStarts` and `recordFinishes` run inside the caller's transaction,
 * which already holds the batch row lock (`BatchReadModelRepository.lockOrRetryLater`); their upserts lock
 * the attempt row. `page` and `outcomeTotals` read through the pool without locks.
 */
@Injectable()
export class AttemptReadModelRepository {
  private readonly tables: ReportingTables;

  constructor(private readonly db: Database) {
    this.tables = reportingTables(db);
  }

  /**
   * Records that the dialer asked the provider to dial, for many attempts in one statement (one
   * event per attempt id: an upsert cannot touch a row twice). Only fills what is still unknown: if
   * an attempt already finished (its finish arrived first), the finish stays as it is.
   *
   * @returns the attempt ids whose row this created (each counts in its batch's attempt_count)
   */
  async recordStarts(client: SqlClient, events: readonly CallStartedEvent[]): Promise<Set<string>> {
    if (events.length === 0) return new Set();
    const upsert = await client.query<{ attempt_id: string; inserted: boolean }>(
      `INSERT INTO ${this.tables.attempts} AS a
         (attempt_id, batch_id, contact_id, org_id, attempt, provider, provider_call_id, status, started_at)
       SELECT u.attempt_id, u.batch_id, u.contact_id, u.org_id, u.attempt, u.provider, u.provider_call_id, 'dialing', u.started_at
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::text[], $7::text[], $8::timestamptz[])
           AS u(attempt_id, batch_id, contact_id, org_id, attempt, provider, provider_call_id, started_at)
        ORDER BY u.attempt_id
       ON CONFLICT (attempt_id) DO UPDATE SET
         provider_call_id = COALESCE(a.provider_call_id, EXCLUDED.provider_call_id),
         started_at = COALESCE(a.started_at, EXCLUDED.started_at)
       RETURNING attempt_id, (xmax = 0) AS inserted`,
      [...identityColumns(events), events.map((e) => e.started_at)],
    );
    return new Set(upsert.rows.filter((r) => r.inserted).map((r) => r.attempt_id));
  }

  /**
   * Ends many attempts in one statement (one event per attempt id; a row is created when its start
   * was not seen): each attempt ends with its first finish; the finish of an attempt already ended changes nothing and is not
   * returned.
   *
   * @param costs the price of each call (currency units), by position
   * @returns the attempts this ended: their start time and whether the row was created
   */
  async recordFinishes(
    client: SqlClient,
    events: readonly CallFinishedEvent[],
    costs: readonly number[],
  ): Promise<Map<string, { startedAt: Date | null; inserted: boolean }>> {
    if (events.length === 0) return new Map();
    const ended = await client.query<{ attempt_id: string; started_at: Date | null; inserted: boolean }>(
      `INSERT INTO ${this.tables.attempts} AS a
         (attempt_id, batch_id, contact_id, org_id, attempt, provider, provider_call_id, status, outcome,
          started_at, answered_at, ended_at, duration_seconds, cost, failure_reason, recording_url, transcript)
       SELECT u.attempt_id, u.batch_id, u.contact_id, u.org_id, u.attempt, u.provider, u.provider_call_id, 'ended', u.outcome,
              u.started_at, u.answered_at, u.ended_at, u.duration_seconds, u.cost, u.failure_reason, u.recording_url, u.transcript
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::text[], $7::text[], $8::text[],
                     $9::timestamptz[], $10::timestamptz[], $11::timestamptz[], $12::float8[], $13::numeric[], $14::text[],
                     $15::text[], $16::text[])
           AS u(attempt_id, batch_id, contact_id, org_id, attempt, provider, provider_call_id, outcome, started_at,
                answered_at, ended_at, duration_seconds, cost, failure_reason, recording_url, transcript)
        ORDER BY u.attempt_id
       ON CONFLICT (attempt_id) DO UPDATE SET
         provider_call_id = COALESCE(EXCLUDED.provider_call_id, a.provider_call_id),
         status = 'ended',
         outcome = EXCLUDED.outcome,
         started_at = COALESCE(a.started_at, EXCLUDED.started_at),
         answered_at = EXCLUDED.answered_at,
         ended_at = EXCLUDED.ended_at,
         duration_seconds = EXCLUDED.duration_seconds,
         cost = EXCLUDED.cost,
         failure_reason = EXCLUDED.failure_reason,
         recording_url = EXCLUDED.recording_url,
         transcript = EXCLUDED.transcript
       WHERE a.status <> 'ended'
       RETURNING attempt_id, started_at, (xmax = 0) AS inserted`,
      [
        ...identityColumns(events),
        events.map((e) => e.outcome),
        events.map((e) => e.started_at ?? null),
        events.map((e) => e.answered_at ?? null),
        events.map((e) => e.ended_at),
        events.map((e) => e.duration_seconds),
        costs,
        events.map((e) => e.failure_reason ?? null),
        events.map((e) => e.recording_url ?? null),
        events.map((e) => e.transcript ?? null),
      ],
    );
    return new Map(ended.rows.map((r) => [r.attempt_id, { startedAt: r.started_at, inserted: r.inserted }]));
  }

  /** Whether the calls list query filters (by outcome or contact): its total must then be counted. */
  static isFiltered(query: CallsPageQuery): boolean {
    return (query.outcome !== undefined && query.outcome.length > 0) || !!query.contact_id;
  }

  /** A page of the batch's attempts in the order they were dialed, filtered by outcome (any of) and contact. */
  async page(query: CallsPageQuery): Promise<AttemptListRow[]> {
    const { where, params } = this.filter(query);
    return this.db.query<AttemptListRow>(
      `SELECT a.attempt_id, a.contact_id, c.phone, a.attempt, a.outcome, a.status, a.started_at, a.answered_at, a.ended_at,
              a.duration_seconds, a.cost, a.provider, a.provider_call_id, a.failure_reason, a.recording_url
         FROM ${this.tables.attempts} a
         LEFT JOIN ${this.tables.contacts} c ON c.contact_id = a.contact_id
        WHERE ${where}
        ORDER BY a.started_at NULLS LAST, a.attempt_id
        LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, query.page_size, (query.page - 1) * query.page_size],
    );
  }

  /** How many attempts match the calls list filter (a count of rows). */
  async countMatching(query: CallsPageQuery): Promise<number> {
    const { where, params } = this.filter(query);
    const [row] = await this.db.query<{ total: number }>(
      `SELECT count(*) AS total FROM ${this.tables.attempts} a WHERE ${where}`,
      params,
    );
    return row.total;
  }

  private filter(query: CallsPageQuery): { where: string; params: unknown[] } {
    const params: unknown[] = [query.batch_id];
    const clauses = ['a.batch_id = $1'];
    if (query.outcome && query.outcome.length > 0) {
      params.push(query.outcome);
      clauses.push(`a.outcome = ANY($${params.length}::text[])`);
    }
    if (query.contact_id) {
      params.push(query.contact_id);
      clauses.push(`a.contact_id = $${params.length}`);
    }
    return { where: clauses.join(' AND '), params };
  }

  /** The batch's ended calls by outcome: count, talk time and connected calls. */
  async outcomeTotals(batchId: string): Promise<OutcomeTotals[]> {
    return this.db.query<OutcomeTotals>(
      `SELECT outcome, count(*) AS count, coalesce(sum(duration_seconds), 0) AS talk, count(*) FILTER (WHERE duration_seconds > 0) AS connected
         FROM ${this.tables.attempts} WHERE batch_id = $1 AND status = 'ended' GROUP BY outcome`,
      [batchId],
    );
  }
}

/**
 * The columns both upserts start with, as unnest arrays in position order: attempt_id, batch_id,
 * contact_id, org_id, attempt, provider, provider_call_id (null when the event has none).
 */
function identityColumns(events: readonly (CallStartedEvent | CallFinishedEvent)[]): unknown[][] {
  return [
    events.map((e) => e.attempt_id),
    events.map((e) => e.batch_id),
    events.map((e) => e.contact_id),
    events.map((e) => e.org_id),
    events.map((e) => e.attempt),
    events.map((e) => e.provider),
    events.map((e) => e.provider_call_id ?? null),
  ];
}
