import { Injectable } from '@nestjs/common';
import type { ContactRecord, ContactsChunkEvent, ResultsFilter } from '@outdial/contracts';
import { Database, SqlClient } from '@outdial/service-runtime';

import { CounterState } from '../domain/contact-counters';
import { ResultsTuple } from '../domain/results-row';
import { StatusCountState } from '../domain/status-counts';
import { SqlFilter } from './contacts-filter';
import { ReportingTables, reportingTables } from './reporting-tables';

/** What the counters and per-status counts read of a contact before and after a write. */
export type ContactCountState = CounterState & StatusCountState;

/** A contact as a group of events reads it (under the batch lock), before applying the events. */
export interface StoredContact extends CounterState {
  version: number;
  row: number | null;
  phone: string | null;
  name: string | null;
  call_id: string | null;
  duration_seconds: number | null;
  failure_reason: string | null;
  recording_url: string | null;
}

/** A stored contact as a group of events reads it (under the batch lock). */
export interface StoredContactRow extends StoredContact {
  contact_id: string;
  batch_id: string;
  call_attempt: number | null;
}

/** A contact's new state after a group of events (`applyStates`). */
export interface ContactStateWrite {
  contactId: string;
  /** Whether a scheduler decision applied (else only the dial time may move). */
  versioned: boolean;
  status: string;
  final: boolean;
  version: number;
  attempts: number;
  lastOutcome: string | null;
  nextRetryAt: string | null;
  /** The latest dial time the group knows of (null: none). */
  lastAttemptAt: string | Date | null;
}

/** A finished call to show on its contact (`recordCalls`). */
export interface ContactCallWrite {
  contactId: string;
  callId: string;
  attempt: number;
  durationSeconds: number;
  recordingUrl: string | null;
  transcript: string | null;
  failureReason: string | null;
  startedAt: Date | null;
}

/** Contacts a batch cancel ended, by former status (`cancelWaiting`). */
export interface CancelledGroup {
  status: string;
  listed: boolean;
  dialed: boolean;
  n: number;
}

/** One row of the contacts list (SPEC §8). */
export interface ContactListRow {
  contact_id: string;
  row: number;
  phone: string;
  name: string | null;
  variables: Record<string, string> | null;
  status: string;
  last_outcome: string | null;
  attempts: number;
  last_attempt_at: Date | null;
  next_retry_at: Date | null;
  duration_seconds: number | null;
  failure_reason: string | null;
  call_id: string | null;
  recording_url: string | null;
  transcript: string | null;
}

/** Each results filter matches one partial index (or the plain (batch_id, row) index for `all`). */
const RESULTS_FILTER_SQL: Record<ResultsFilter, string> = {
  all: '',
  successful: `AND final AND status = 'completed'`,
  failed: `AND final AND status <> 'completed'`,
};

/**
 * The contacts of the read model (`contacts`): one row per contact, filled by ingest's chunks, the
 * scheduler's updates and the dialer's calls in any order (a placeholder row, `row` null, holds
 * what came before the chunk). Schema from `Database`.
 *
 * Transactions and locks: every method taking a `client` writes (or reads to write) inside the
 * caller's transaction, which must already hold the batch row lock
 * (`BatchReadModelRepository.lockOrRetryLater`): batch first, then contacts, so writers of one batch are
 * serialized and never deadlock. The page/count/results readers go through the pool, without locks.
 */
@Injectable()
export class ContactReadModelRepository {
  private readonly tables: ReportingTables;

  constructor(private readonly db: Database) {
    this.tables = reportingTables(db);
  }

  /** The counting state of the given contacts (absent ones are not returned). */
  async countStates(client: SqlClient, contactIds: string[]): Promise<ContactCountState[]> {
    const before = await client.query<ContactCountState>(
      `SELECT status, final, attempts, row FROM ${this.tables.contacts} WHERE contact_id = ANY($1::text[])`,
      [contactIds],
    );
    return before.rows;
  }

  /**
   * Upserts a chunk of ingested contacts (one record per contact id: an upsert cannot touch a row
   * twice in one statement): fills what only ingest knows (row, phone, name, variables) and keeps
   * any status the scheduler already decided (version > 0). Ingested non-pending contacts are final.
   *
   * @returns the counting state of each contact after the write
   */
  async upsertChunk(
    client: SqlClient,
    event: Pick<ContactsChunkEvent, 'batch_id' | 'org_id'>,
    contacts: ContactRecord[],
  ): Promise<ContactCountState[]> {
    const after = await client.query<ContactCountState>(
      `INSERT INTO ${this.tables.contacts} AS c (contact_id, batch_id, org_id, row, phone, name, variables, status, final)
       SELECT u.contact_id, $1, $2, u.row, u.phone, u.name, u.variables, u.status, u.status <> 'pending'
         FROM unnest($3::text[], $4::int[], $5::text[], $6::text[], $7::jsonb[], $8::text[])
           AS u(contact_id, row, phone, name, variables, status)
       ON CONFLICT (contact_id) DO UPDATE SET
         row = EXCLUDED.row,
         phone = EXCLUDED.phone,
         name = EXCLUDED.name,
         variables = EXCLUDED.variables,
         status = CASE WHEN c.version > 0 THEN c.status ELSE EXCLUDED.status END,
         final = CASE WHEN c.version > 0 THEN c.final ELSE EXCLUDED.final END
       RETURNING status, final, attempts, row`,
      [
        event.batch_id,
        event.org_id,
        contacts.map((c) => c.contact_id),
        contacts.map((c) => c.row),
        contacts.map((c) => c.phone),
        contacts.map((c) => c.name ?? null),
        contacts.map((c) => JSON.stringify(c.variables ?? {})),
        contacts.map((c) => c.status),
      ],
    );
    return after.rows;
  }

  /**
   * The stored state of the given contacts (absent ones, whose chunk and earlier events have not
   * arrived, are not returned), as a group of events starts from. One statement.
   */
  async findMany(client: SqlClient, contactIds: readonly string[]): Promise<StoredContactRow[]> {
    if (contactIds.length === 0) return [];
    const stored = await client.query<StoredContactRow>(
      `SELECT contact_id, batch_id, status, final, attempts, version, row, phone, name, call_id, call_attempt,
              duration_seconds, failure_reason, recording_url
         FROM ${this.tables.contacts} WHERE contact_id = ANY($1::text[])`,
      [contactIds],
    );
    return stored.rows;
  }

  /** Placeholders for contacts whose chunk has not arrived yet (one statement; existing ones are kept). */
  async insertPlaceholders(
    client: SqlClient,
    contacts: readonly { contact_id: string; batch_id: string; org_id: string }[],
  ): Promise<void> {
    if (contacts.length === 0) return;
    await client.query(
      `INSERT INTO ${this.tables.contacts} (contact_id, batch_id, org_id, status)
       SELECT u.contact_id, u.batch_id, u.org_id, 'pending' FROM unnest($1::text[], $2::text[], $3::text[]) AS u(contact_id, batch_id, org_id)
       ORDER BY u.contact_id
       ON CONFLICT (contact_id) DO NOTHING`,
      [contacts.map((c) => c.contact_id), contacts.map((c) => c.batch_id), contacts.map((c) => c.org_id)],
    );
  }

  /**
   * Writes the outcome of a group of events on its contacts in one statement: for `versioned`
   * contacts the newest scheduler decision (status, final, version, attempts, next retry; the last
   * outcome kept when the decision has none), and for every contact the last dial time moved to
   * `lastAttemptAt` if that is later (events come in any order).
   */
  async applyStates(client: SqlClient, writes: readonly ContactStateWrite[]): Promise<void> {
    if (writes.length === 0) return;
    await client.query(
      `UPDATE ${this.tables.contacts} c
          SET status = CASE WHEN u.versioned THEN u.status ELSE c.status END,
              final = CASE WHEN u.versioned THEN u.final ELSE c.final END,
              version = CASE WHEN u.versioned THEN u.version ELSE c.version END,
              attempts = CASE WHEN u.versioned THEN u.attempts ELSE c.attempts END,
              last_outcome = CASE WHEN u.versioned THEN COALESCE(u.last_outcome, c.last_outcome) ELSE c.last_outcome END,
              next_retry_at = CASE WHEN u.versioned THEN u.next_retry_at ELSE c.next_retry_at END,
              last_attempt_at = GREATEST(c.last_attempt_at, u.last_attempt_at)
         FROM unnest($1::text[], $2::boolean[], $3::text[], $4::boolean[], $5::int[], $6::int[], $7::text[],
                     $8::timestamptz[], $9::timestamptz[])
           AS u(contact_id, versioned, status, final, version, attempts, last_outcome, next_retry_at, last_attempt_at)
        WHERE c.contact_id = u.contact_id`,
      [
        writes.map((w) => w.contactId),
        writes.map((w) => w.versioned),
        writes.map((w) => w.status),
        writes.map((w) => w.final),
        writes.map((w) => w.version),
        writes.map((w) => w.attempts),
        writes.map((w) => w.lastOutcome),
        writes.map((w) => w.nextRetryAt),
        writes.map((w) => w.lastAttemptAt),
      ],
    );
  }

  /**
   * Shows each contact's finished call (one per contact: its latest attempt among the group),
   * unless the contact already shows a later attempt, (an older attempt finishing late does not overwrite it). One statement.
   */
  async recordCalls(client: SqlClient, calls: readonly ContactCallWrite[]): Promise<void> {
    if (calls.length === 0) return;
    await client.query(
      `UPDATE ${this.tables.contacts} c
          SET call_id = u.call_id, call_attempt = u.attempt, duration_seconds = u.duration_seconds,
              recording_url = u.recording_url, transcript = u.transcript, failure_reason = u.failure_reason,
              last_attempt_at = GREATEST(c.last_attempt_at, u.started_at)
         FROM unnest($1::text[], $2::text[], $3::int[], $4::float8[], $5::text[], $6::text[], $7::text[], $8::timestamptz[])
           AS u(contact_id, call_id, attempt, duration_seconds, recording_url, transcript, failure_reason, started_at)
        WHERE c.contact_id = u.contact_id AND (c.call_attempt IS NULL OR c.call_attempt <= u.attempt)`,
      [
        calls.map((c) => c.contactId),
        calls.map((c) => c.callId),
        calls.map((c) => c.attempt),
        calls.map((c) => c.durationSeconds),
        calls.map((c) => c.recordingUrl),
        calls.map((c) => c.transcript),
        calls.map((c) => c.failureReason),
        calls.map((c) => c.startedAt),
      ],
    );
  }

  /**
   * A cancelled batch (SPEC §4: every non-final contact ends `cancelled`, calls in progress
   * finish): every waiting contact (`pending` or `queued`: not final and not in a call) becomes
   * `cancelled` and final, in the caller's transaction (which holds the batch lock). The version
   * is kept, so the scheduler's own later decision about the contact (a higher version) still
   * applies: its `cancelled` is then a no-op, and a call that was in fact already released shows.
   *
   * @returns what was cancelled, grouped by former status, whether listed (row known) and whether dialed before
   */
  async cancelWaiting(client: SqlClient, batchId: string): Promise<CancelledGroup[]> {
    const result = await client.query<CancelledGroup>(
      `WITH waiting AS (
         SELECT contact_id, status, row, attempts FROM ${this.tables.contacts}
          WHERE batch_id = $1 AND NOT final AND status IN ('pending', 'queued')
       ),
       cancelled AS (
         UPDATE ${this.tables.contacts} c SET status = 'cancelled', final = true, next_retry_at = NULL
           FROM waiting w WHERE c.contact_id = w.contact_id
       )
       SELECT status, (row IS NOT NULL) AS listed, (attempts > 0) AS dialed, count(*)::int AS n
         FROM waiting GROUP BY 1, 2, 3`,
      [batchId],
    );
    return result.rows;
  }

  /** A page of the contacts matching `filter`, in upload order. */
  async page(filter: SqlFilter, pageSize: number, offset: number): Promise<ContactListRow[]> {
    const n = filter.params.length;
    return this.db.query<ContactListRow>(
      `SELECT contact_id, row, phone, name, variables, status, last_outcome, attempts, last_attempt_at, next_retry_at,
              duration_seconds, failure_reason, call_id, recording_url, transcript
         FROM ${this.tables.contacts}
        WHERE ${filter.where}
        ORDER BY row
        LIMIT $${n + 1} OFFSET $${n + 2}`,
      [...filter.params, pageSize, offset],
    );
  }

  /** How many contacts match `filter` (a count of rows: for filters the per-status counts cannot answer). */
  async countMatching(filter: SqlFilter): Promise<number> {
    const [row] = await this.db.query<{ total: number }>(
      `SELECT count(*) AS total FROM ${this.tables.contacts} WHERE ${filter.where}`,
      filter.params,
    );
    return row.total;
  }

  /**
   * Up to `limit` results rows of the batch after row `afterRow`, as flat arrays in ResultsTuple
   * order (no object per contact, no parsed `variables`: only the exported variables, as text),
   * with the timestamp formatted by PostgreSQL. Keyset-paginated by row: page N costs what page 1
   * does.
   */
  async resultsRows(
    batchId: string,
    filter: ResultsFilter,
    afterRow: number,
    limit: number,
    variables: readonly string[],
  ): Promise<ResultsTuple[]> {
    const result = await this.db.pool.query<ResultsTuple & unknown[]>({
      text: this.resultsSql(filter, variables.length),
      values: [batchId, afterRow, limit, ...variables],
      rowMode: 'array',
    });
    return result.rows;
  }

  /** Columns in ResultsTuple order; `$4...` are the exported variable names. */
  private resultsSql(filter: ResultsFilter, variableCount: number): string {
    let variables = '';
    for (let i = 0; i < variableCount; i++) variables += `, variables ->> $${i + 4}`;
    return `SELECT row, phone, name, status, final, attempts, last_outcome,
                   to_char(last_attempt_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                   duration_seconds, failure_reason, call_id, recording_url, transcript${variables}
              FROM ${this.tables.contacts}
             WHERE batch_id = $1 AND row > $2 ${RESULTS_FILTER_SQL[filter]}
             ORDER BY row
             LIMIT $3`;
  }
}
