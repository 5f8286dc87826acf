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
 * Transactions and locks: `recordStart` and `recordFinish` run inside the caller's transaction,
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
   * Records that the dialer asked the provider to dial. Only fills what is still unknown: if the
   * attempt already finished (its finish arrived first), the finish stays as it is.
   *
   * @returns true when the attempt row was created by this start (it counts in the batch's attempt_count)
   */
  async recordStart(client: SqlClient, event: CallStartedEvent): Promise<boolean> {
    const upsert = await client.query<{ inserted: boolean }>(
      `INSERT INTO ${this.tables.attempts} AS a
         (attempt_id, batch_id, contact_id, org_id, attempt, provider, provider_call_id, status, started_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'dialing', $8)
       ON CONFLICT (attempt_id) DO UPDATE SET
         provider_call_id = COALESCE(a.provider_call_id, EXCLUDED.provider_call_id),
         started_at = COALESCE(a.started_at, EXCLUDED.started_at)
       RETURNING (xmax = 0) AS inserted`,
      [
        event.attempt_id,
        event.batch_id,
        event.contact_id,
        event.org_id,
        event.attempt,
        event.provider,
        event.provider_call_id,
        event.started_at,
      ],
    );
    return upsert.rows[0]?.inserted === true;
  }

  /**
   * Ends the attempt with its first finish (created if its start was not seen). A later finish of
   * an ended attempt changes nothing.
   *
   * @param cost the call's price (currency units)
   * @returns null when the attempt had already ended; else its start time and whether the row was created
   */
  async recordFinish(
    client: SqlClient,
    event: CallFinishedEvent,
    cost: number,
  ): Promise<{ startedAt: Date | null; inserted: boolean } | null> {
    const ended = await client.query<{ started_at: Date | null; inserted: boolean }>(
      `INSERT INTO ${this.tables.attempts} AS a
         (attempt_id, batch_id, contact_id, org_id, attempt, provider, provider_call_id, status, outcome,
          started_at, answered_at, ended_at, duration_seconds, cost, failure_reason, recording_url, transcript)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'ended', $8, $9, $10, $11, $12, $13, $14, $15, $16)
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
       RETURNING started_at, (xmax = 0) AS inserted`,
      [
        event.attempt_id,
        event.batch_id,
        event.contact_id,
        event.org_id,
        event.attempt,
        event.provider,
        event.provider_call_id ?? null,
        event.outcome,
        event.started_at ?? null,
        event.answered_at ?? null,
        event.ended_at,
        event.duration_seconds,
        cost,
        event.failure_reason ?? null,
        event.recording_url ?? null,
        event.transcript ?? null,
      ],
    );
    if (ended.rowCount === 0) return null;
    return { startedAt: ended.rows[0].started_at, inserted: ended.rows[0].inserted };
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
