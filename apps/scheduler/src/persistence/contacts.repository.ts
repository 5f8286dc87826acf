import { Injectable } from '@nestjs/common';
import { ContactsChunkEvent, ContactStatus } from '@outdial/contracts';
import { Database, quoteIdent, SqlClient } from '@outdial/service-runtime';

import { ContactState } from '../domain/scheduler-events';

/** The columns of `ContactState`, in a SELECT or RETURNING list. */
const CONTACT_STATE_COLUMNS =
  'contact_id, batch_id, org_id, status, version, attempts, last_outcome, next_retry_at, last_attempt_at';

/** A contact as an attempt event finds it: its state and the zones it is called in. */
export type AttemptContact = ContactState & { zone_key: string };

/** A contact the release claimed: what the dial request carries. */
export type ClaimedContact = ContactState & { phone: string; variables: Record<string, string>; zone_key: string };

/** One batch of a callable survey: its zone keys whose window is open now, and those never open. */
export interface CallableSurveyRow {
  batch_id: string;
  open: string[];
  never: string[];
  /** Count callable contacts up to this many (what the batch could be given at most). */
  up_to: number;
}

/** A released contact whose attempt never reported back. */
export interface LostRelease {
  batch_id: string;
  contact_id: string;
  attempts: number;
}

/**
 * The contacts of the scheduler's batches (`<schema>.contacts`): their status, attempt number,
 * version (orders one contact's `v1.contact.updated` events) and next retry time.
 *
 * Transaction and locking contract:
 * - Every method taking a `client` runs inside the caller's transaction, and the caller holds the
 *   row lock of the contact's batch (BatchesRepository.lock*) first: the batch lock serializes all
 *   writers of one batch's contacts, the contact row locks below only guard against writers that
 *   do not take it.
 * - `claimReleasable` is the release claim: one `UPDATE ... WHERE contact_id IN (SELECT ... ORDER BY
 *   priority DESC, row LIMIT n FOR UPDATE SKIP LOCKED) RETURNING`, so the claim of n contacts is one
 *   round trip, uses the partial index `contacts_claimable_zone` per open zone (ARCHITECTURE: 65 ->
 *   455-705 claims/s), and a contact row locked by another transaction is skipped instead of waited
 *   for: two concurrent claimers never claim the same contact (the claimed rows leave
 *   `pending`/`queued` for `dialing` and the loser's re-check of the WHERE clause excludes them).
 * - `lockAttempt`, `lockContacts` (several, in contact_id order) and `finalizeWaiting` take plain
 *   `FOR UPDATE` row locks (they must see the row a concurrent writer is changing, not skip it).
 * - Methods without a `client` (`survey`, `lostReleases`) are autocommit surveys on the pool and
 *   take no lock; whoever acts on their answer re-checks under the batch lock.
 */
@Injectable()
export class ContactsRepository {
  private readonly contacts: string;
  private readonly batches: string;

  constructor(private readonly db: Database) {
    const schema = quoteIdent(db.schema);
    this.contacts = `${schema}.contacts`;
    this.batches = `${schema}.batches`;
  }

  /**
   * Stores a chunk's contacts with their zone keys (`zoneKeys[i]` for `contacts[i]`) in one
   * statement; idempotent: a redelivered chunk inserts nothing. Returns the statuses of the rows
   * inserted now. Caller holds the batch lock.
   */
  async insertChunk(client: SqlClient, chunk: ContactsChunkEvent, zoneKeys: string[]): Promise<ContactStatus[]> {
    const c = chunk.contacts;
    const inserted = await client.query<{ status: ContactStatus }>(
      `INSERT INTO ${this.contacts} (contact_id, batch_id, org_id, row, phone, timezone, priority, variables, status, zone_key)
       SELECT t.contact_id, $1, $2, t.row, t.phone, t.timezone, t.priority, t.variables, t.status, t.zone_key
         FROM unnest($3::text[], $4::int[], $5::text[], $6::text[], $7::int[], $8::jsonb[], $9::text[], $10::text[])
           AS t(contact_id, row, phone, timezone, priority, variables, status, zone_key)
       ON CONFLICT (contact_id) DO NOTHING
       RETURNING status`,
      [
        chunk.batch_id,
        chunk.org_id,
        c.map((x) => x.contact_id),
        c.map((x) => x.row),
        c.map((x) => x.phone),
        c.map((x) => x.timezone ?? null),
        c.map((x) => x.priority),
        c.map((x) => JSON.stringify(x.variables)),
        c.map((x) => x.status),
        zoneKeys,
      ],
    );
    return inserted.rows.map((r) => r.status);
  }

  /**
   * The attempt's contact under its row lock (`FOR UPDATE`) if it is still at attempt `attempt` in
   * one of `statuses`; undefined for a repeated or late event. Caller holds the batch lock.
   */
  async lockAttempt(
    client: SqlClient,
    contactId: string,
    attempt: number,
    statuses: readonly ContactStatus[],
  ): Promise<AttemptContact | undefined> {
    const rows = await client.query<AttemptContact>(
      `SELECT ${CONTACT_STATE_COLUMNS}, zone_key FROM ${this.contacts}
        WHERE contact_id = $1 AND attempts = $2 AND status = ANY($3) FOR UPDATE`,
      [contactId, attempt, statuses],
    );
    return rows.rows[0];
  }

  /**
   * Several attempts' contacts under their row locks (`FOR UPDATE`, in contact_id order), whatever
   * their status and attempt: the caller (a group of call results) checks each result against the
   * state it finds, in memory. Caller holds the locks of every batch involved.
   */
  async lockContacts(client: SqlClient, contactIds: string[]): Promise<AttemptContact[]> {
    const rows = await client.query<AttemptContact>(
      `SELECT ${CONTACT_STATE_COLUMNS}, zone_key FROM ${this.contacts}
        WHERE contact_id = ANY($1::text[]) ORDER BY contact_id FOR UPDATE`,
      [contactIds],
    );
    return rows.rows;
  }

  /**
   * `dialing` -> `in_progress` for many attempts in ONE statement (`UPDATE ... FROM unnest`); the
   * new states of those that were dialing that attempt (a repeated or late event changes nothing).
   * Runs in the caller's transaction and locks only the contact rows (no batch counter changes), in
   * contact_id order first (the order `lockContacts` takes them in: two groups never deadlock).
   */
  async markManyInProgress(
    client: SqlClient,
    attempts: { contact_id: string; attempt: number }[],
    now: Date,
  ): Promise<ContactState[]> {
    const rows = await client.query<ContactState>(
      `WITH locked AS MATERIALIZED (
         SELECT contact_id FROM ${this.contacts} WHERE contact_id = ANY($1::text[]) ORDER BY contact_id FOR UPDATE)
       UPDATE ${this.contacts} c SET status = 'in_progress', version = c.version + 1, updated_at = $3
         FROM unnest($1::text[], $2::int[]) AS e(contact_id, attempt), locked
        WHERE locked.contact_id = c.contact_id AND c.contact_id = e.contact_id AND c.attempts = e.attempt
          AND c.status = 'dialing'
        RETURNING ${CONTACT_STATE_COLUMNS.split(', ')
          .map((column) => `c.${column}`)
          .join(', ')}`,
      [attempts.map((a) => a.contact_id), attempts.map((a) => a.attempt), now],
    );
    return rows.rows;
  }

  /**
   * Saves many attempts' results (final status or queued for `next_retry_at`) in ONE statement
   * (`UPDATE ... FROM unnest`); one state per contact (the last of a group). Caller holds the batch locks.
   */
  async recordOutcomes(client: SqlClient, contacts: ContactState[], now: Date): Promise<void> {
    if (contacts.length === 0) return;
    await client.query(
      `UPDATE ${this.contacts} c SET status = u.status, version = u.version, last_outcome = u.last_outcome,
              next_retry_at = u.next_retry_at, updated_at = $6
         FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::timestamptz[])
           AS u(contact_id, status, version, last_outcome, next_retry_at)
        WHERE c.contact_id = u.contact_id`,
      [
        contacts.map((c) => c.contact_id),
        contacts.map((c) => c.status),
        contacts.map((c) => c.version),
        contacts.map((c) => c.last_outcome),
        contacts.map((c) => c.next_retry_at),
        now,
      ],
    );
  }

  /** A released contact of a cancelled batch came back undialed: `cancelled`. Caller holds the batch lock. */
  async cancelReleased(client: SqlClient, contactId: string, version: number, now: Date): Promise<void> {
    await client.query(
      `UPDATE ${this.contacts} SET status = 'cancelled', version = $2, final_reason = 'batch cancelled', updated_at = $3 WHERE contact_id = $1`,
      [contactId, version, now],
    );
  }

  /** A released contact came back undialed: waits again, the attempt given back. Caller holds the batch lock. */
  async giveBack(client: SqlClient, contact: ContactState, now: Date): Promise<void> {
    await client.query(
      `UPDATE ${this.contacts} SET status = $2, attempts = $3, version = $4, next_retry_at = $5, updated_at = $6 WHERE contact_id = $1`,
      [contact.contact_id, contact.status, contact.attempts, contact.version, contact.next_retry_at, now],
    );
  }

  /**
   * Ends up to `limit` waiting contacts (pending, or queued for a retry) of a batch with a final
   * status and reason, optionally only those in some zones; returns their new states. Contacts
   * being dialed are left to finish their call. Locks the rows it ends (`FOR UPDATE`); caller holds
   * the batch lock and counts them final.
   */
  async finalizeWaiting(
    client: SqlClient,
    batchId: string,
    status: 'cancelled' | 'expired',
    reason: string,
    now: Date,
    options: { limit: number; zoneKeys?: string[] },
  ): Promise<ContactState[]> {
    const zoneFilter = options.zoneKeys ? 'AND zone_key = ANY($5)' : '';
    const params: unknown[] = [batchId, status, now, options.limit];
    if (options.zoneKeys) params.push(options.zoneKeys);
    params.push(reason);
    const reasonParam = `$${params.length}`;
    const rows = await client.query<ContactState>(
      `UPDATE ${this.contacts} SET status = $2, version = version + 1, next_retry_at = NULL, final_reason = ${reasonParam}, updated_at = $3
        WHERE contact_id IN (SELECT contact_id FROM ${this.contacts}
                              WHERE batch_id = $1 AND status IN ('pending', 'queued') ${zoneFilter}
                              LIMIT $4 FOR UPDATE)
        RETURNING ${CONTACT_STATE_COLUMNS}`,
      params,
    );
    return rows.rows;
  }

  /**
   * For each surveyed batch, in one query: how many contacts it may call now (waiting and due, in an
   * `open` zone), counted up to `up_to`, and whether it has waiting contacts in a `never` zone
   * (stranded). Each (batch, zone) is read on its own over `contacts_claimable_zone` in index order:
   * at most `up_to` rows an open zone and one row a never-open zone, so the cost never grows with the
   * contacts waiting in closed zones (issue 16; bench/release). The zones go in as arrays (`unnest`
   * of parameters: the planner knows their size, so the plan stays small and is not JIT-compiled).
   * A batch with no open and no never-open zone costs no scan (callable 0, not stranded).
   * Autocommit survey, no lock.
   */
  async survey(
    rows: CallableSurveyRow[],
    now: Date,
  ): Promise<{ batch_id: string; callable: number; stranded: boolean }[]> {
    const zones = rows.flatMap((r) => [
      ...r.open.map((zone) => ({ batch_id: r.batch_id, zone, open: true, up_to: r.up_to })),
      ...r.never.map((zone) => ({ batch_id: r.batch_id, zone, open: false, up_to: 1 })),
    ]);
    const counted =
      zones.length === 0
        ? []
        : await this.db.query<{ batch_id: string; callable: number; stranded: boolean }>(
            `SELECT z.batch_id,
              LEAST(max(z.up_to) FILTER (WHERE z.open), coalesce(sum(y.n) FILTER (WHERE z.open), 0))::int AS callable,
              coalesce(bool_or(y.n > 0) FILTER (WHERE NOT z.open), false) AS stranded
         FROM unnest($1::text[], $2::text[], $3::boolean[], $4::int[]) AS z(batch_id, zone_key, open, up_to)
         CROSS JOIN LATERAL (
           SELECT count(*) AS n FROM (
             SELECT 1 FROM ${this.contacts} c
              WHERE c.batch_id = z.batch_id AND c.zone_key = z.zone_key
                AND (c.status = 'pending' OR (c.status = 'queued' AND (NOT z.open OR c.next_retry_at <= $5)))
              ORDER BY c.priority DESC, c.row
              LIMIT z.up_to) x) y
        GROUP BY z.batch_id`,
            [
              zones.map((z) => z.batch_id),
              zones.map((z) => z.zone),
              zones.map((z) => z.open),
              zones.map((z) => z.up_to),
              now,
            ],
          );
    const found = new Map(counted.map((r) => [r.batch_id, r]));
    return rows.map((r) => found.get(r.batch_id) ?? { batch_id: r.batch_id, callable: 0, stranded: false });
  }

  /**
   * The release claim: up to `limit` callable contacts of the batch (pending, or queued and due at
   * `now`, in one of `zoneKeys`), highest priority first then file order, become `dialing` with the
   * next attempt number, in ONE statement with `FOR UPDATE SKIP LOCKED` (see the class contract).
   * Each open zone is read on its own over `contacts_claimable_zone` (batch_id, zone_key, priority
   * DESC, row), at most `limit` rows a zone, and the zones' heads merged: the cost grows with the
   * open zones and `limit`, never with the contacts waiting in closed zones (issue 16; bench/release).
   * Rows a zone locked beyond the `limit` taken are held until the caller's commit (a concurrent
   * claimer skips them: a shortfall, never a double claim).
   * Returns the claimed contacts with what their dial requests carry. Caller holds the batch lock
   * and counts them in flight.
   */
  async claimReleasable(
    client: SqlClient,
    batchId: string,
    limit: number,
    zoneKeys: string[],
    now: Date,
  ): Promise<ClaimedContact[]> {
    const claimed = await client.query<ClaimedContact>(
      `UPDATE ${this.contacts} c
          SET status = 'dialing', attempts = c.attempts + 1, version = c.version + 1, released_at = $3,
              last_attempt_at = $3, next_retry_at = NULL, updated_at = $3
        WHERE c.contact_id IN (
          SELECT z.contact_id
            FROM unnest($4::text[]) AS open(zone_key)
            CROSS JOIN LATERAL (
              SELECT contact_id, priority, row FROM ${this.contacts}
               WHERE batch_id = $1 AND zone_key = open.zone_key
                 AND (status = 'pending' OR (status = 'queued' AND next_retry_at <= $3))
               ORDER BY priority DESC, row
               LIMIT $2
               FOR UPDATE SKIP LOCKED) z
           ORDER BY z.priority DESC, z.row
           LIMIT $2)
        RETURNING c.contact_id, c.batch_id, c.org_id, c.status, c.version, c.attempts, c.last_outcome, c.next_retry_at,
                  c.last_attempt_at, c.phone, c.variables, c.zone_key`,
      [batchId, limit, now, zoneKeys],
    );
    return claimed.rows;
  }

  /**
   * Released contacts (dialing or in progress) older than their batch's call timeout plus
   * `graceSeconds`, up to `limit`. The first condition (with the smallest allowed call timeout)
   * narrows by the `contacts_released` index; the second applies each batch's own timeout.
   * Autocommit survey, no lock: each is then ended through the attempt-result path, under the lock.
   */
  async lostReleases(
    now: Date,
    graceSeconds: number,
    minCallTimeoutSeconds: number,
    limit: number,
  ): Promise<LostRelease[]> {
    return this.db.query<LostRelease>(
      `SELECT c.batch_id, c.contact_id, c.attempts FROM ${this.contacts} c JOIN ${this.batches} b USING (batch_id)
        WHERE c.status IN ('dialing', 'in_progress')
          AND c.released_at < $1::timestamptz - make_interval(secs => $3::int + $2::int)
          AND c.released_at < $1::timestamptz - make_interval(secs => (b.settings->>'timeout_per_call_seconds')::int + $2::int)
        LIMIT $4`,
      [now, graceSeconds, minCallTimeoutSeconds, limit],
    );
  }

  /** Removes every contact of a deleted batch. Caller holds the batch lock. */
  async deleteOfBatch(client: SqlClient, batchId: string): Promise<void> {
    await client.query(`DELETE FROM ${this.contacts} WHERE batch_id = $1`, [batchId]);
  }
}
