import { Injectable } from '@nestjs/common';
import { BatchIngestedEvent, BatchSettings, BatchStatus, ProviderName } from '@outdial/contracts';
import { Database, quoteIdent, SqlClient } from '@outdial/service-runtime';

import { completionStep } from '../domain/batch-lifecycle';
import { BreakerState } from '../domain/circuit-breaker';

/** A row of `<schema>.batches`, as `SELECT *` returns it. */
export interface BatchRow {
  batch_id: string;
  org_id: string;
  status: BatchStatus;
  agent_id: string;
  provider: ProviderName;
  from_number: string;
  settings: BatchSettings;
  concurrency: number;
  total_contacts: number;
  contacts_received: number;
  /** Contacts in a final status (counted incrementally: ARCHITECTURE "keep batch counters incrementally"). */
  final_count: number;
  /** Contacts released to the dialer and not reported back yet (the batch's busy slots). */
  inflight: number;
  scheduled_start_time: Date | null;
  end_time: Date | null;
  started_at: Date | null;
  completed_at: Date | null;
  last_release_at: Date | null;
  /** Recent attempt results for the auto-pause rule (domain/circuit-breaker.ts). */
  breaker: BreakerState;
}

/** A running batch as the release pass surveys it (settings flattened for the allocation). */
export interface ReleasableBatchRow {
  batch_id: string;
  org_id: string;
  concurrency: number;
  inflight: number;
  last_release_at: Date | null;
  /** `settings.priority`, null when unset. */
  priority: number | null;
  /** `settings.call_timing.delay_between_calls_seconds`, null when unset. */
  delay: number | null;
  settings: BatchSettings;
}

/** The breaker column of a batch that starts its auto-pause window afresh (SQL literal of `EMPTY_BREAKER`). */
const EMPTY_BREAKER_SQL = `'{"buckets": [], "agent_error_run": 0}'::jsonb`;

/**
 * The batch aggregate: `<schema>.batches` (status, counters, circuit-breaker state in `breaker`),
 * its child `<schema>.batch_zones` (the distinct zone keys of its contacts) and its tombstone
 * `<schema>.deleted_batches` (so late events of a deleted batch are dropped, not retried).
 *
 * Transaction and locking contract:
 * - The batch row lock (`lock`, `lockLive`, `lockSettings`, `lockUnfinishedOfAgent`: `SELECT ...
 *   FOR UPDATE`) is THE serialization point of the scheduler: every writer of a batch or of its
 *   contacts' statuses (release pass, call results, declines, user actions, housekeeping, chunk
 *   intake) takes it first, in its own transaction, so they never interleave. Where several batches
 *   are locked at once they are locked in `batch_id` order (`lockUnfinishedOfAgent`), the order of
 *   every other writer, so two writers never deadlock.
 * - Every method taking a `client` runs inside the caller's transaction (`Database.tx`) and expects
 *   the caller to hold the batch's row lock already, except the `lock*` methods that take it.
 *   The counters (`final_count`, `inflight`, `contacts_received`) are changed only under that lock.
 * - Methods without a `client` (`register`, `dueForHousekeeping`, `releasable`, `inflightByOrg`,
 *   `zonesOf`) are single autocommit statements on the pool and take no lock: they are surveys,
 *   re-checked under the lock by whoever acts on them.
 */
@Injectable()
export class BatchesRepository {
  private readonly batches: string;
  private readonly zones: string;
  private readonly deleted: string;

  constructor(private readonly db: Database) {
    const schema = quoteIdent(db.schema);
    this.batches = `${schema}.batches`;
    this.zones = `${schema}.batch_zones`;
    this.deleted = `${schema}.deleted_batches`;
  }

  // ---- intake ---------------------------------------------------------------------------------

  /**
   * Registers a batch ingest stored; idempotent (a repeated event inserts nothing). A redelivered
   * event of a batch deleted since must not bring it back (the tombstone is checked in the same
   * statement). Autocommit, no lock.
   */
  async register(event: BatchIngestedEvent, now: Date): Promise<void> {
    await this.db.query(
      `INSERT INTO ${this.batches} (batch_id, org_id, status, agent_id, provider, from_number, settings, concurrency,
         total_contacts, scheduled_start_time, end_time, created_at, updated_at)
       SELECT $1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13
        WHERE NOT EXISTS (SELECT 1 FROM ${this.deleted} WHERE batch_id = $1)
       ON CONFLICT (batch_id) DO NOTHING`,
      [
        event.batch_id,
        event.org_id,
        event.initial_status,
        event.agent_id,
        event.provider,
        event.from_number,
        JSON.stringify(event.settings),
        event.settings.concurrency,
        event.total_contacts,
        event.settings.scheduled_start_time ?? null,
        event.settings.end_time ?? null,
        event.created_at,
        now,
      ],
    );
  }

  /** The batch's settings under its row lock (chunk intake), undefined when it is not registered. */
  async lockSettings(client: SqlClient, batchId: string): Promise<{ settings: BatchSettings } | undefined> {
    return (
      await client.query<{ settings: BatchSettings }>(
        `SELECT settings FROM ${this.batches} WHERE batch_id = $1 FOR UPDATE`,
        [batchId],
      )
    ).rows[0];
  }

  /** Records zone keys the batch's contacts are called in (idempotent). Caller holds the batch lock. */
  async addZones(client: SqlClient, batchId: string, zoneKeys: string[]): Promise<void> {
    await client.query(
      `INSERT INTO ${this.zones} (batch_id, zone_key) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING`,
      [batchId, zoneKeys],
    );
  }

  /** Counts contacts received, `finalAlready` of them final from the start. Caller holds the batch lock. */
  async addReceived(client: SqlClient, batchId: string, received: number, finalAlready: number): Promise<void> {
    await client.query(
      `UPDATE ${this.batches} SET contacts_received = contacts_received + $2, final_count = final_count + $3, updated_at = now() WHERE batch_id = $1`,
      [batchId, received, finalAlready],
    );
  }

  // ---- locks and tombstones ---------------------------------------------------------------------

  /** The batch under its row lock (`SELECT * ... FOR UPDATE`), undefined when there is none. */
  async lock(client: SqlClient, batchId: string): Promise<BatchRow | undefined> {
    return (await client.query<BatchRow>(`SELECT * FROM ${this.batches} WHERE batch_id = $1 FOR UPDATE`, [batchId]))
      .rows[0];
  }

  /**
   * Several batches under their row locks, taken in `batch_id` order (the lock order of every other
   * writer of several batches), with the ids among them that were deleted (tombstones). Batches
   * neither found nor deleted are not registered (yet).
   */
  async lockMany(client: SqlClient, batchIds: string[]): Promise<{ locked: BatchRow[]; deleted: Set<string> }> {
    const locked = (
      await client.query<BatchRow>(
        `SELECT * FROM ${this.batches} WHERE batch_id = ANY($1::text[]) ORDER BY batch_id FOR UPDATE`,
        [batchIds],
      )
    ).rows;
    const missing = batchIds.filter((id) => !locked.some((b) => b.batch_id === id));
    if (missing.length === 0) return { locked, deleted: new Set() };
    const deleted = await client.query<{ batch_id: string }>(
      `SELECT batch_id FROM ${this.deleted} WHERE batch_id = ANY($1::text[])`,
      [missing],
    );
    return { locked, deleted: new Set(deleted.rows.map((r) => r.batch_id)) };
  }

  /**
   * The batch under its row lock; `'deleted'` when it is gone and its tombstone says it was deleted;
   * undefined when this scheduler never registered it (yet). One statement when the batch exists.
   */
  async lockLive(client: SqlClient, batchId: string): Promise<BatchRow | 'deleted' | undefined> {
    const batch = await this.lock(client, batchId);
    if (batch) return batch;
    return (await this.isDeleted(client, batchId)) ? 'deleted' : undefined;
  }

  /** Whether the batch was deleted (a tombstone exists). No lock. */
  async isDeleted(client: SqlClient, batchId: string): Promise<boolean> {
    return ((await client.query(`SELECT 1 FROM ${this.deleted} WHERE batch_id = $1`, [batchId])).rowCount ?? 0) > 0;
  }

  /**
   * Deletes the batch: tombstone, zone keys, row (its contacts are the contacts repository's).
   * Caller holds the batch lock.
   */
  async delete(client: SqlClient, batch: Pick<BatchRow, 'batch_id' | 'org_id'>, now: Date): Promise<void> {
    await client.query(
      `INSERT INTO ${this.deleted} (batch_id, org_id, deleted_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
      [batch.batch_id, batch.org_id, now],
    );
    await client.query(`DELETE FROM ${this.zones} WHERE batch_id = $1`, [batch.batch_id]);
    await client.query(`DELETE FROM ${this.batches} WHERE batch_id = $1`, [batch.batch_id]);
  }

  // ---- lifecycle ---------------------------------------------------------------------------------

  /**
   * Batches the housekeeping step has something to do for, oldest first: scheduled and due, running
   * but not stamped started, cancelled (waiting contacts to drain), past their end_time, or with every
   * contact final. Autocommit survey, no lock (re-checked under the lock).
   */
  async dueForHousekeeping(now: Date): Promise<{ batch_id: string }[]> {
    return this.db.query<{ batch_id: string }>(
      `SELECT batch_id FROM ${this.batches}
        WHERE completed_at IS NULL AND contacts_received >= total_contacts
          AND (   (status = 'scheduled' AND (scheduled_start_time IS NULL OR scheduled_start_time <= $1))
               OR (status = 'running' AND started_at IS NULL)
               OR status = 'cancelled'
               OR (end_time <= $1 AND status IN ('scheduled', 'running', 'paused'))
               OR (final_count >= total_contacts AND status IN ('running', 'paused')))
        ORDER BY created_at`,
      [now],
    );
  }

  /** scheduled -> running, stamped started. Caller holds the batch lock. */
  async start(client: SqlClient, batchId: string, now: Date): Promise<void> {
    await client.query(
      `UPDATE ${this.batches} SET status = 'running', started_at = $2, updated_at = $2 WHERE batch_id = $1`,
      [batchId, now],
    );
  }

  /** A batch created `running` is stamped started. Caller holds the batch lock. */
  async stampStarted(client: SqlClient, batchId: string, now: Date): Promise<void> {
    await client.query(`UPDATE ${this.batches} SET started_at = $2, updated_at = $2 WHERE batch_id = $1`, [
      batchId,
      now,
    ]);
  }

  /**
   * A user's pause, resume or cancel. A resume starts the auto-pause window afresh: the failures
   * that paused it are the user's to have fixed. Caller holds the batch lock.
   */
  async setStatus(
    client: SqlClient,
    batchId: string,
    next: 'paused' | 'running' | 'cancelled',
    previous: BatchStatus,
    now: Date,
  ): Promise<void> {
    await client.query(
      `UPDATE ${this.batches} SET status = $2, previous_status = $3, updated_at = $4,
              breaker = CASE WHEN $2 = 'running' THEN ${EMPTY_BREAKER_SQL} ELSE breaker END
        WHERE batch_id = $1`,
      [batchId, next, previous, now],
    );
  }

  /** -> scheduled at `at` (also kept in the settings). Caller holds the batch lock. */
  async reschedule(client: SqlClient, batchId: string, at: Date, previous: BatchStatus, now: Date): Promise<void> {
    await client.query(
      `UPDATE ${this.batches} SET status = 'scheduled', scheduled_start_time = $2, previous_status = $3,
              settings = settings || jsonb_build_object('scheduled_start_time', $4::text), updated_at = $5
        WHERE batch_id = $1`,
      [batchId, at, previous, at.toISOString(), now],
    );
  }

  /**
   * The org's unfinished batches of an agent, locked in `batch_id` order (the lock order of every
   * other writer). Runs inside the caller's transaction.
   */
  async lockUnfinishedOfAgent(
    client: SqlClient,
    orgId: string,
    agentId: string,
    statuses: readonly BatchStatus[],
  ): Promise<{ batch_id: string; org_id: string; status: BatchStatus }[]> {
    const rows = await client.query<{ batch_id: string; org_id: string; status: BatchStatus }>(
      `SELECT batch_id, org_id, status FROM ${this.batches}
        WHERE org_id = $1 AND agent_id = $2 AND status = ANY($3) ORDER BY batch_id FOR UPDATE`,
      [orgId, agentId, statuses],
    );
    return rows.rows;
  }

  /** -> failed (previous status kept). Caller holds the batch lock. */
  async markFailed(client: SqlClient, batchId: string, now: Date): Promise<void> {
    await client.query(
      `UPDATE ${this.batches} SET status = 'failed', previous_status = status, updated_at = $2 WHERE batch_id = $1`,
      [batchId, now],
    );
  }

  /** Counts `count` more contacts final. Caller holds the batch lock. */
  async addFinal(client: SqlClient, batchId: string, count: number, now: Date): Promise<void> {
    await client.query(
      `UPDATE ${this.batches} SET final_count = final_count + $2, updated_at = $3 WHERE batch_id = $1`,
      [batchId, count, now],
    );
  }

  /**
   * Once every contact is final (`completionStep`, domain/batch-lifecycle.ts): a running, paused or
   * scheduled batch becomes `completed` (exactly once: the caller holds the batch lock); a cancelled
   * or failed one keeps its status and is only stamped `completed_at` (drained).
   * Returns the batch as it was before when it became `completed` (the caller publishes the change),
   * undefined otherwise.
   */
  async completeIfDone(client: SqlClient, batchId: string, now: Date): Promise<BatchRow | undefined> {
    const batch = (await client.query<BatchRow>(`SELECT * FROM ${this.batches} WHERE batch_id = $1`, [batchId]))
      .rows[0];
    if (!batch) return undefined;
    const step = completionStep(batch);
    if (step === 'drained') {
      await client.query(`UPDATE ${this.batches} SET completed_at = $2, updated_at = $2 WHERE batch_id = $1`, [
        batchId,
        now,
      ]);
    } else if (step === 'completed') {
      await client.query(
        `UPDATE ${this.batches} SET status = 'completed', completed_at = $2, updated_at = $2 WHERE batch_id = $1`,
        [batchId, now],
      );
      return batch;
    }
    return undefined;
  }

  // ---- release --------------------------------------------------------------------------------

  /** Running batches with all their contacts received (release candidates). Autocommit survey, no lock. */
  async releasable(): Promise<ReleasableBatchRow[]> {
    return this.db.query<ReleasableBatchRow>(
      `SELECT batch_id, org_id, concurrency, inflight, last_release_at, (settings->>'priority')::int AS priority,
              (settings->'call_timing'->>'delay_between_calls_seconds')::float AS delay, settings
         FROM ${this.batches}
        WHERE status = 'running' AND completed_at IS NULL AND contacts_received >= total_contacts`,
    );
  }

  /** Released-and-unfinished over every open batch of each org (paused and cancelled ones included). Autocommit, no lock. */
  async inflightByOrg(orgIds: string[]): Promise<Map<string, number>> {
    const rows = await this.db.query<{ org_id: string; inflight: string }>(
      `SELECT org_id, sum(inflight) AS inflight FROM ${this.batches} WHERE org_id = ANY($1) AND completed_at IS NULL GROUP BY org_id`,
      [orgIds],
    );
    return new Map(rows.map((r) => [r.org_id, Number(r.inflight)]));
  }

  /** The zone keys of several batches, batch_id -> keys. Autocommit, no lock. */
  async zonesOf(batchIds: string[]): Promise<Map<string, string[]>> {
    const rows = await this.db.query<{ batch_id: string; zone_key: string }>(
      `SELECT batch_id, zone_key FROM ${this.zones} WHERE batch_id = ANY($1)`,
      [batchIds],
    );
    const zonesOf = new Map<string, string[]>();
    for (const { batch_id, zone_key } of rows) zonesOf.set(batch_id, [...(zonesOf.get(batch_id) ?? []), zone_key]);
    return zonesOf;
  }

  /** The zone keys of one batch, inside the caller's transaction (under the batch lock: exact at this instant). */
  async zonesOfLocked(client: SqlClient, batchId: string): Promise<string[]> {
    return (
      await client.query<{ zone_key: string }>(`SELECT zone_key FROM ${this.zones} WHERE batch_id = $1`, [batchId])
    ).rows.map((r) => r.zone_key);
  }

  /** `count` contacts were released: that many more slots busy, last release now. Caller holds the batch lock. */
  async addReleased(client: SqlClient, batchId: string, count: number, now: Date): Promise<void> {
    await client.query(
      `UPDATE ${this.batches} SET inflight = inflight + $2, last_release_at = $3, updated_at = $3 WHERE batch_id = $1`,
      [batchId, count, now],
    );
  }

  // ---- attempt results ------------------------------------------------------------------------

  /**
   * Many attempts ended, for several batches, in ONE statement (`UPDATE ... FROM unnest`): per batch,
   * `ended` slots freed, `finals` more contacts final, the circuit-breaker state saved, and its status
   * set when the group changed it (auto-pause, `failed`; the status it had before is kept in
   * `previous_status`). Caller holds every batch's lock.
   */
  async recordAttemptEnds(
    client: SqlClient,
    changes: {
      batch_id: string;
      ended: number;
      finals: number;
      breaker: BreakerState;
      status: BatchStatus;
      previous_status: BatchStatus | null;
    }[],
    now: Date,
  ): Promise<void> {
    if (changes.length === 0) return;
    await client.query(
      `UPDATE ${this.batches} b SET inflight = GREATEST(b.inflight - u.ended, 0), final_count = b.final_count + u.finals,
              breaker = u.breaker, status = u.status, previous_status = COALESCE(u.previous_status, b.previous_status),
              updated_at = $7
         FROM unnest($1::text[], $2::int[], $3::int[], $4::jsonb[], $5::text[], $6::text[])
           AS u(batch_id, ended, finals, breaker, status, previous_status)
        WHERE b.batch_id = u.batch_id`,
      [
        changes.map((c) => c.batch_id),
        changes.map((c) => c.ended),
        changes.map((c) => c.finals),
        changes.map((c) => JSON.stringify(c.breaker)),
        changes.map((c) => c.status),
        changes.map((c) => c.previous_status),
        now,
      ],
    );
  }

  /** A released contact came back undialed: its slot is free again. Caller holds the batch lock. */
  async releaseSlot(client: SqlClient, batchId: string, now: Date): Promise<void> {
    await client.query(
      `UPDATE ${this.batches} SET inflight = GREATEST(inflight - 1, 0), updated_at = $2 WHERE batch_id = $1`,
      [batchId, now],
    );
  }
}
