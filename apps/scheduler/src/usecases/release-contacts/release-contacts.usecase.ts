import { Inject, Injectable } from '@nestjs/common';
import { BATCH_LIMITS } from '@outdial/contracts';
import { Clock, Database, Logger, Metrics, Outbox, OutboxEvent, SERVICE_CONFIG, SERVICE_LOGGER } from '@outdial/service-runtime';
import { Counter } from 'prom-client';
import { PoolClient } from 'pg';
import { dialCallingWindow, WindowPolicy } from '../../domain/calling-window';
import { zonesOfKey } from '../../domain/contact-zone';
import { allocateReleases, OrgHeadroom, ReleaseCandidate, usableNow } from '../../domain/release-allocation';
import { batchStatusChanged, ContactState, contactUpdated, dialRequested } from '../../domain/scheduler-events';
import { BatchRow, completeIfDone, finalizeWaitingContacts, lockBatch } from '../../persistence/batch-row';
import { OrgSettingsRepository } from '../../persistence/org-settings.repository';
import { SchedulerEnv } from '../../scheduler-env';
import { CallingWindows } from '../../windows/calling-windows';
import { RecordCallOutcomeUseCase } from '../record-call-outcome/record-call-outcome.usecase';

/** How many waiting contacts one housekeeping step ends (cancel, expiry), per batch and pass. */
const FINALIZE_CHUNK = 5000;
const MIN_CALL_TIMEOUT_SECONDS = BATCH_LIMITS.timeoutPerCallSeconds.min;

/**
 * One pass of the scheduler: start batches whose time has come, end waiting contacts of cancelled
 * or expired batches, then release contacts to the dialer only as slots free up: never more than a
 * batch's `concurrency` or an org's `max_concurrent_calls` released-and-unfinished, only contacts
 * whose calling window is open, highest priority first, round-robin across an org's batches, and
 * only to batches that have a contact they may call now (a slot is never left idle for a batch that
 * cannot use it).
 * Each batch is changed under its row lock, so concurrent passes never release a contact twice.
 */
@Injectable()
export class ReleaseContactsUseCase {
  constructor(
    private readonly db: Database,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
    private readonly windows: CallingWindows,
    private readonly orgs: OrgSettingsRepository,
    private readonly recordOutcome: RecordCallOutcomeUseCase,
    @Inject(SERVICE_CONFIG) private readonly config: SchedulerEnv,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
    metrics: Metrics,
  ) {
    this.shortfalls = new Counter({
      name: 'outdial_scheduler_release_shortfalls_total',
      help: 'Times a batch released fewer contacts than the pass surveyed (another replica took them, or the window closed in between); the rest went to the next batch',
      registers: [metrics.registry],
    });
  }

  private readonly shortfalls: Counter;

  async tick(): Promise<number> {
    const due = await this.db.query<{ batch_id: string }>(
      `SELECT batch_id FROM scheduler.batches
        WHERE completed_at IS NULL AND contacts_received >= total_contacts
          AND (   (status = 'scheduled' AND (scheduled_start_time IS NULL OR scheduled_start_time <= $1))
               OR (status = 'running' AND started_at IS NULL)
               OR status = 'cancelled'
               OR (end_time <= $1 AND status IN ('scheduled', 'running', 'paused'))
               OR (final_count >= total_contacts AND status IN ('running', 'paused')))
        ORDER BY created_at`,
      [this.clock.now()],
    );
    for (const { batch_id } of due) await this.housekeep(batch_id);
    const released = await this.releaseAll();
    await this.recoverLostReleases();
    return released;
  }

  /** Scheduled -> running when due; end_time expiry; draining a cancelled batch; completion. */
  private async housekeep(batchId: string): Promise<void> {
    const changed = await this.db.tx(async (client) => {
      const batch = await lockBatch(client, batchId);
      if (!batch || batch.completed_at) return false;
      const now = this.clock.now();
      const events: OutboxEvent[] = [];
      if (batch.status === 'scheduled' && (!batch.scheduled_start_time || batch.scheduled_start_time <= now)) {
        await client.query(`UPDATE scheduler.batches SET status = 'running', started_at = $2, updated_at = $2 WHERE batch_id = $1`, [batchId, now]);
        events.push(batchStatusChanged(batch, 'running', 'scheduled', now));
      } else if (batch.status === 'running' && !batch.started_at) {
        await client.query(`UPDATE scheduler.batches SET started_at = $2, updated_at = $2 WHERE batch_id = $1`, [batchId, now]);
        events.push(batchStatusChanged(batch, 'running', undefined, now));
      }
      if (batch.status === 'cancelled') {
        await finalizeWaitingContacts(client, batch, 'cancelled', 'batch cancelled', now, events, { limit: FINALIZE_CHUNK });
      } else if (batch.end_time && batch.end_time <= now) {
        await finalizeWaitingContacts(client, batch, 'expired', 'batch end_time passed', now, events, { limit: FINALIZE_CHUNK });
      }
      if (batch.status !== 'scheduled' || events.length > 0) await completeIfDone(client, batchId, now, events);
      await this.outbox.enqueue(client, events);
      return events.length > 0;
    });
    if (changed) this.outbox.kick();
  }

  /**
   * Releases contacts of every running batch as far as the limits allow. First a survey: how many
   * contacts each batch that could take a call may call now (waiting, due, window open), so the
   * org's free slots go only to batches that can use them, in fairness order (issue 12 §2: a
   * high-priority batch whose zones are all closed must not keep the slot from the next batch).
   * If a batch then releases fewer than it was given (another scheduler replica took them first),
   * the rest is offered again in another round until nothing more can be placed.
   */
  private async releaseAll(): Promise<number> {
    const now = this.clock.now();
    const running = await this.db.query<{
      batch_id: string;
      org_id: string;
      concurrency: number;
      inflight: number;
      last_release_at: Date | null;
      priority: number | null;
      delay: number | null;
      settings: BatchRow['settings'];
    }>(
      `SELECT batch_id, org_id, concurrency, inflight, last_release_at, (settings->>'priority')::int AS priority,
              (settings->'call_timing'->>'delay_between_calls_seconds')::float AS delay, settings
         FROM scheduler.batches
        WHERE status = 'running' AND completed_at IS NULL AND contacts_received >= total_contacts`,
    );
    if (running.length === 0) return 0;
    const orgIds = [...new Set(running.map((b) => b.org_id))];
    const limits = await this.orgs.limits(orgIds);
    // Released-and-unfinished over every batch of the org, paused and cancelled ones included.
    const busy = await this.db.query<{ org_id: string; inflight: string }>(
      `SELECT org_id, sum(inflight) AS inflight FROM scheduler.batches WHERE org_id = ANY($1) AND completed_at IS NULL GROUP BY org_id`,
      [orgIds],
    );
    const headroom: OrgHeadroom = new Map(orgIds.map((id) => [id, limits.get(id)!.max_concurrent_calls]));
    for (const row of busy) headroom.set(row.org_id, (headroom.get(row.org_id) ?? 0) - Number(row.inflight));

    // Only batches that could take a call at all, in orgs with a free slot, are surveyed.
    const hopeful = running
      .map((b) => ({
        row: b,
        candidate: {
          batch_id: b.batch_id,
          org_id: b.org_id,
          capacity: b.concurrency - b.inflight,
          callable: Number.MAX_SAFE_INTEGER,
          priority: b.priority ?? 0,
          last_release_at: b.last_release_at,
          delay_between_calls_seconds: b.delay ?? 0,
        } as ReleaseCandidate,
      }))
      .filter(({ candidate }) => (headroom.get(candidate.org_id) ?? 0) > 0 && usableNow(candidate, now) > 0);
    if (hopeful.length === 0) return 0;
    const callable = await this.surveyCallable(
      hopeful.map(({ row, candidate }) => ({
        batch_id: row.batch_id,
        settings: row.settings,
        complianceGuard: limits.get(row.org_id)!.compliance_guard,
        upTo: Math.min(usableNow(candidate, now), headroom.get(row.org_id) ?? 0),
      })),
      now,
    );
    const candidates = hopeful.map(({ candidate }) => ({ ...candidate, callable: callable.get(candidate.batch_id) ?? 0 }));

    let total = 0;
    // Each round either ends or lowers the sum of `callable` (a batch releases what it was given,
    // or is marked empty), so this terminates; normally after one round.
    for (;;) {
      const allocation = allocateReleases(candidates, headroom, now);
      if (allocation.size === 0) break;
      for (const candidate of candidates) {
        const allowed = allocation.get(candidate.batch_id) ?? 0;
        if (allowed === 0) continue;
        const released = await this.releaseBatch(candidate.batch_id, allowed, limits.get(candidate.org_id)!.compliance_guard);
        total += released;
        headroom.set(candidate.org_id, (headroom.get(candidate.org_id) ?? 0) - released);
        candidate.capacity -= released;
        if (released > 0) candidate.last_release_at = now;
        if (released < allowed) {
          // Expected race: another replica released them, or the window closed in between.
          this.shortfalls.inc();
          this.logger.debug({ batch_id: candidate.batch_id, allowed, released }, 'batch released fewer contacts than surveyed; offering the rest to the next batch');
          candidate.callable = 0;
        } else candidate.callable -= released;
      }
    }
    return total;
  }

  /**
   * How many contacts each batch may call now (waiting and due, in a zone whose calling window is
   * open now), counted up to `upTo` per batch in one query. Numbers whose zones never share an open
   * hour are ended `expired` on the way. Returns batch_id -> count.
   */
  private async surveyCallable(batches: { batch_id: string; settings: BatchRow['settings']; complianceGuard: boolean; upTo: number }[], now: Date): Promise<Map<string, number>> {
    const zones = await this.db.query<{ batch_id: string; zone_key: string }>(`SELECT batch_id, zone_key FROM scheduler.batch_zones WHERE batch_id = ANY($1)`, [
      batches.map((b) => b.batch_id),
    ]);
    const zonesOf = new Map<string, string[]>();
    for (const { batch_id, zone_key } of zones) zonesOf.set(batch_id, [...(zonesOf.get(batch_id) ?? []), zone_key]);
    const survey: { batch_id: string; open: string[]; never: string[]; up_to: number }[] = [];
    for (const batch of batches) {
      const policy = this.windows.policyFor(batch.settings, batch.complianceGuard);
      const open: string[] = [];
      const never: string[] = [];
      for (const zoneKey of zonesOf.get(batch.batch_id) ?? []) {
        const state = this.windows.stateFor(policy, zoneKey, now);
        if (state.open) open.push(zoneKey);
        else if (state.opensAt === null) never.push(zoneKey);
      }
      if (open.length > 0 || never.length > 0) survey.push({ batch_id: batch.batch_id, open, never, up_to: batch.upTo });
    }
    if (survey.length === 0) return new Map();
    const counted = await this.db.query<{ batch_id: string; callable: number; stranded: boolean }>(
      // CASE, so a batch with no open (or no never-open) zone costs no scan of its contacts.
      `SELECT s.batch_id,
              CASE WHEN jsonb_array_length(s.open) = 0 THEN 0 ELSE
                (SELECT count(*)::int FROM (
                   SELECT 1 FROM scheduler.contacts c
                    WHERE c.batch_id = s.batch_id AND (c.status = 'pending' OR (c.status = 'queued' AND c.next_retry_at <= $2))
                      AND c.zone_key IN (SELECT jsonb_array_elements_text(s.open))
                    LIMIT s.up_to) x) END AS callable,
              CASE WHEN jsonb_array_length(s.never) = 0 THEN false ELSE
                EXISTS (SELECT 1 FROM scheduler.contacts c
                         WHERE c.batch_id = s.batch_id AND c.status IN ('pending', 'queued')
                           AND c.zone_key IN (SELECT jsonb_array_elements_text(s.never))) END AS stranded
         FROM jsonb_to_recordset($1::jsonb) AS s(batch_id text, open jsonb, never jsonb, up_to int)`,
      [JSON.stringify(survey), now],
    );
    for (const row of counted) {
      if (row.stranded) await this.expireNeverCallable(row.batch_id, survey.find((s) => s.batch_id === row.batch_id)!.never);
    }
    return new Map(counted.map((r) => [r.batch_id, r.callable]));
  }

  /** Numbers whose zones never share an open hour can never be called within the rules: `expired`. */
  private async expireNeverCallable(batchId: string, zoneKeys: string[]): Promise<void> {
    const changed = await this.db.tx(async (client) => {
      const batch = await lockBatch(client, batchId);
      if (!batch || batch.status !== 'running' || batch.completed_at) return false;
      const now = this.clock.now();
      const events: OutboxEvent[] = [];
      await finalizeWaitingContacts(client, batch, 'expired', "no calling window is ever open in all of the number's time zones", now, events, {
        limit: FINALIZE_CHUNK,
        zoneKeys,
      });
      await completeIfDone(client, batchId, now, events);
      await this.outbox.enqueue(client, events);
      return events.length > 0;
    });
    if (changed) this.outbox.kick();
  }

  /**
   * Releases up to `allowed` callable contacts of one batch under its row lock; returns how many.
   * The window is checked again here, at this instant, for every zone of the batch.
   */
  private async releaseBatch(batchId: string, allowed: number, complianceGuard: boolean): Promise<number> {
    const released = await this.db.tx(async (client) => {
      const batch = await lockBatch(client, batchId);
      if (!batch || batch.status !== 'running' || batch.completed_at) return 0;
      const now = this.clock.now();
      const capacity = Math.min(allowed, batch.concurrency - batch.inflight);
      if (capacity <= 0) return 0;
      const events: OutboxEvent[] = [];
      const policy = this.windows.policyFor(batch.settings, complianceGuard);
      const zones = await client.query<{ zone_key: string }>(`SELECT zone_key FROM scheduler.batch_zones WHERE batch_id = $1`, [batchId]);
      const openZones = new Map<string, Date>();
      for (const { zone_key } of zones.rows) {
        const state = this.windows.stateFor(policy, zone_key, now);
        if (state.open) openZones.set(zone_key, state.closesAt);
      }
      const count = openZones.size > 0 ? await this.claim(client, batch, policy, capacity, openZones, now, events) : 0;
      await this.outbox.enqueue(client, events);
      return count;
    });
    if (released > 0) this.outbox.kick();
    return released;
  }

  private async claim(client: PoolClient, batch: BatchRow, policy: WindowPolicy | null, capacity: number, openZones: Map<string, Date>, now: Date, events: OutboxEvent[]): Promise<number> {
    const claimed = await client.query<ContactState & { phone: string; variables: Record<string, string>; zone_key: string }>(
      `UPDATE scheduler.contacts c
          SET status = 'dialing', attempts = c.attempts + 1, version = c.version + 1, released_at = $3,
              last_attempt_at = $3, next_retry_at = NULL, updated_at = $3
        WHERE c.contact_id IN (
          SELECT contact_id FROM scheduler.contacts
           WHERE batch_id = $1 AND (status = 'pending' OR (status = 'queued' AND next_retry_at <= $3)) AND zone_key = ANY($4)
           ORDER BY priority DESC, row
           LIMIT $2
           FOR UPDATE SKIP LOCKED)
        RETURNING c.contact_id, c.batch_id, c.org_id, c.status, c.version, c.attempts, c.last_outcome, c.next_retry_at,
                  c.last_attempt_at, c.phone, c.variables, c.zone_key`,
      [batch.batch_id, capacity, now, [...openZones.keys()]],
    );
    if (claimed.rows.length === 0) return 0;
    await client.query(`UPDATE scheduler.batches SET inflight = inflight + $2, last_release_at = $3, updated_at = $3 WHERE batch_id = $1`, [
      batch.batch_id,
      claimed.rows.length,
      now,
    ]);
    const dialSettings = {
      batch_id: batch.batch_id,
      org_id: batch.org_id,
      agent_id: batch.agent_id,
      provider: batch.provider,
      from_number: batch.from_number,
      timeout_seconds: batch.settings.timeout_per_call_seconds,
      concurrency: batch.concurrency,
    };
    for (const contact of claimed.rows) {
      const window = policy ? dialCallingWindow(policy, zonesOfKey(contact.zone_key)) : undefined;
      events.push(contactUpdated(contact, now), dialRequested(dialSettings, contact, now, notAfter(openZones.get(contact.zone_key), batch.end_time), window));
    }
    this.logger.debug({ batch_id: batch.batch_id, released: claimed.rows.length }, 'contacts released');
    return claimed.rows.length;
  }

  /**
   * A released contact whose attempt never reported back (past the call timeout plus a grace) is
   * ended `timeout`, so a batch can never stay "running" forever.
   */
  private async recoverLostReleases(): Promise<void> {
    const now = this.clock.now();
    const grace = this.config.SCHEDULER_RELEASE_GRACE_SECONDS;
    // The first condition narrows by the released_at index; the second applies each batch's own timeout.
    const lost = await this.db.query<{ batch_id: string; contact_id: string; attempts: number }>(
      `SELECT c.batch_id, c.contact_id, c.attempts FROM scheduler.contacts c JOIN scheduler.batches b USING (batch_id)
        WHERE c.status IN ('dialing', 'in_progress')
          AND c.released_at < $1::timestamptz - make_interval(secs => $3::int + $2::int)
          AND c.released_at < $1::timestamptz - make_interval(secs => (b.settings->>'timeout_per_call_seconds')::int + $2::int)
        LIMIT 100`,
      [now, grace, MIN_CALL_TIMEOUT_SECONDS],
    );
    for (const contact of lost) {
      this.logger.warn({ batch_id: contact.batch_id, contact_id: contact.contact_id, attempt: contact.attempts }, 'release never reported back; ending it as timeout');
      await this.recordOutcome.execute({ batch_id: contact.batch_id, contact_id: contact.contact_id, attempt: contact.attempts, outcome: 'timeout' });
    }
  }
}

/** The dialer must not start the call once the window closes or the batch ends, whichever is first. */
function notAfter(windowCloses: Date | undefined, endTime: Date | null): Date | null {
  const far = 8.64e15;
  const a = windowCloses && windowCloses.getTime() < far ? windowCloses.getTime() : Infinity;
  const b = endTime ? endTime.getTime() : Infinity;
  const at = Math.min(a, b);
  return Number.isFinite(at) ? new Date(at) : null;
}
