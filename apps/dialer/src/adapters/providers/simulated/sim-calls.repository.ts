import { Injectable } from '@nestjs/common';
import { Database, quoteIdent, SqlClient } from '@outdial/service-runtime';

import { SimCallRow } from './sim-call-row';

/** A call as the carrier places it. */
export type NewSimCall = Pick<
  SimCallRow,
  'call_id' | 'attempt_id' | 'to_phone' | 'outcome' | 'placed_at' | 'answer_due_at' | 'end_due_at'
>;

/**
 * Typed SQL over the dialer schema's `sim_calls` (schema from `Database`): the simulated carrier's
 * own state. It stands for an external system, so it lives with its adapter, not in persistence/,
 * and is never joined with attempts. Every transition is one `UPDATE ... WHERE state = <expected>`:
 * when a local timer and a sweeper (or two sweepers) race, exactly one of them moves the call and
 * emits its event.
 *
 * Transactions and locks: every method takes the caller's `SqlClient` (inside the caller's
 * transaction); the overdue claim locks rows `FOR UPDATE SKIP LOCKED` so sweepers of every replica
 * share the work; the conditional updates need no other lock.
 */
@Injectable()
export class SimCallsRepository {
  private readonly table: string;

  constructor(db: Database) {
    this.table = `${quoteIdent(db.schema)}.sim_calls`;
  }

  /** Stores new calls (state `ringing`) in ONE statement; returns them in the order given. */
  async insertMany(client: SqlClient, calls: readonly NewSimCall[]): Promise<SimCallRow[]> {
    if (calls.length === 0) return [];
    const result = await client.query<SimCallRow>(
      `INSERT INTO ${this.table} (call_id, attempt_id, to_phone, outcome, placed_at, answer_due_at, end_due_at, state)
       SELECT *, 'ringing' FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::timestamptz[], $7::timestamptz[])
       RETURNING *`,
      [
        calls.map((c) => c.call_id),
        calls.map((c) => c.attempt_id),
        calls.map((c) => c.to_phone),
        calls.map((c) => c.outcome),
        calls.map((c) => c.placed_at),
        calls.map((c) => c.answer_due_at),
        calls.map((c) => c.end_due_at),
      ],
    );
    const byId = new Map(result.rows.map((row) => [row.call_id, row]));
    return calls.map((c) => byId.get(c.call_id)!);
  }

  /**
   * `answer` for many calls in ONE statement (the carrier's steps of a group, a sweep): each moves
   * only from `ringing` (with an answer planned); the end moves with the answer so the talk time stays as planned; returns the calls that moved (a call another process moved
   * first is absent).
   */
  async answerMany(client: SqlClient, callIds: readonly string[], now: Date): Promise<SimCallRow[]> {
    if (callIds.length === 0) return [];
    const result = await client.query<SimCallRow>(
      `UPDATE ${this.table}
          SET state = 'answered', answered_at = $2, end_due_at = $2::timestamptz + (end_due_at - answer_due_at)
        WHERE call_id = ANY($1::text[]) AND state = 'ringing' AND answer_due_at IS NOT NULL
        RETURNING *`,
      [callIds, now],
    );
    return result.rows;
  }

  /** answered -> ended (talk time = now - answered_at), or ringing -> ended for calls nobody answers; many calls in ONE statement (see `answerMany`). */
  async endMany(client: SqlClient, callIds: readonly string[], now: Date): Promise<SimCallRow[]> {
    if (callIds.length === 0) return [];
    const result = await client.query<SimCallRow>(
      `UPDATE ${this.table}
          SET state = 'ended',
              ended_at = $2,
              duration_seconds = CASE WHEN answered_at IS NULL THEN 0
                                      ELSE round(GREATEST(0, EXTRACT(EPOCH FROM ($2::timestamptz - answered_at)))::numeric, 3) END
        WHERE call_id = ANY($1::text[]) AND (state = 'answered' OR (state = 'ringing' AND answer_due_at IS NULL))
        RETURNING *`,
      [callIds, now],
    );
    return result.rows;
  }

  /** Live calls whose next step is overdue (before `cutoff`), locked; rows another sweeper holds are skipped. */
  async claimOverdue(client: SqlClient, cutoff: Date, limit: number): Promise<SimCallRow[]> {
    const result = await client.query<SimCallRow>(
      `SELECT * FROM ${this.table}
        WHERE state <> 'ended'
          AND CASE WHEN state = 'ringing' AND answer_due_at IS NOT NULL THEN answer_due_at ELSE end_due_at END < $1
        ORDER BY placed_at
        LIMIT $2
        FOR UPDATE SKIP LOCKED`,
      [cutoff, limit],
    );
    return result.rows;
  }
}
