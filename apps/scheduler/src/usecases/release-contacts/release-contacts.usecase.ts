import { Inject, Injectable } from '@nestjs/common';
import { Clock, Database, Logger, Outbox, OutboxEvent, SERVICE_LOGGER, SqlClient } from '@outdial/service-runtime';

import { CallingWindowCache } from '../../adapters/calling-window-cache';
import { dialCallingWindow, WindowPolicy } from '../../domain/calling-window';
import { zonesOfKey } from '../../domain/contact-zone';
import { dialNotAfter } from '../../domain/dial-deadline';
import { allocateReleases, OrgHeadroom, ReleaseCandidate, usableNow } from '../../domain/release-allocation';
import { contactUpdated, dialRequested } from '../../domain/scheduler-events';
import { BatchesRepository, BatchRow, ReleasableBatchRow } from '../../persistence/batches.repository';
import { CallableSurveyRow, ContactsRepository } from '../../persistence/contacts.repository';
import { OrgSettingsRepository } from '../../persistence/org-settings.repository';
import { SchedulerMetrics } from '../../scheduler-metrics';
import { ReleaseContactsCommand, ReleaseContactsResult, StrandedZones } from './release-contacts.command';

/**
 * Releases contacts to the dialer (`v1.dial.requested`, through the outbox) only as slots free up:
 * never more than a batch's `concurrency` or an org's `max_concurrent_calls` released-and-unfinished,
 * only contacts whose calling window is open, highest priority first, round-robin across an org's
 * batches, and only to batches that have a contact they may call now (a slot is never left idle for
 * a batch that cannot use it; domain/release-allocation.ts).
 * Each batch is changed under its row lock and its contacts claimed with SKIP LOCKED
 * (ContactsRepository.claimReleasable), so concurrent passes never release a contact twice.
 * Also reports the batches whose waiting contacts include never-callable ones (their zones never
 * share an open hour), for ExpireNeverCallableContactsUseCase.
 */
@Injectable()
export class ReleaseContactsUseCase {
  constructor(
    private readonly db: Database,
    private readonly batches: BatchesRepository,
    private readonly contacts: ContactsRepository,
    private readonly orgs: OrgSettingsRepository,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
    private readonly windows: CallingWindowCache,
    private readonly metrics: SchedulerMetrics,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * Releases contacts of every running batch as far as the limits allow. First a survey: how many
   * contacts each batch that could take a call may call now (waiting, due, window open), so the
   * org's free slots go only to batches that can use them, in fairness order (issue 12 §2: a
   * high-priority batch whose zones are all closed must not keep the slot from the next batch).
   * If a batch then releases fewer than it was given (another scheduler replica took them first),
   * the rest is offered again in another round until nothing more can be placed.
   */
  async execute(command: ReleaseContactsCommand): Promise<ReleaseContactsResult> {
    const now = this.clock.now();
    const running = await this.batches.releasable();
    if (running.length === 0) return { released: 0, stranded: [] };
    const orgIds = [...new Set(running.map((b) => b.org_id))];
    const limits = await this.orgs.limits(orgIds);
    // Released-and-unfinished over every batch of the org, paused and cancelled ones included.
    const busy = await this.batches.inflightByOrg(orgIds);
    const headroom: OrgHeadroom = new Map(
      orgIds.map((id) => [id, limits.get(id)!.max_concurrent_calls - (busy.get(id) ?? 0)]),
    );

    // Only batches that could take a call at all, in orgs with a free slot, are surveyed.
    const hopeful = running
      .map((b) => ({ row: b, candidate: candidateOf(b) }))
      .filter(({ candidate }) => (headroom.get(candidate.org_id) ?? 0) > 0 && usableNow(candidate, now) > 0);
    if (hopeful.length === 0) return { released: 0, stranded: [] };
    const { callable, stranded } = await this.surveyCallable(
      hopeful.map(({ row, candidate }) => ({
        batch_id: row.batch_id,
        settings: row.settings,
        complianceGuard: limits.get(row.org_id)!.compliance_guard,
        upTo: Math.min(usableNow(candidate, now), headroom.get(row.org_id) ?? 0),
      })),
      now,
    );
    const candidates = hopeful.map(({ candidate }) => ({
      ...candidate,
      callable: callable.get(candidate.batch_id) ?? 0,
    }));

    let total = 0;
    // Each round either ends or lowers the sum of `callable` (a batch releases what it was given,
    // or is marked empty), so this terminates; normally after one round.
    for (;;) {
      const allocation = allocateReleases(candidates, headroom, now);
      if (allocation.size === 0) break;
      for (const candidate of candidates) {
        const allowed = allocation.get(candidate.batch_id) ?? 0;
        if (allowed === 0) continue;
        const released = await this.releaseBatch(
          candidate.batch_id,
          allowed,
          limits.get(candidate.org_id)!.compliance_guard,
        );
        total += released;
        headroom.set(candidate.org_id, (headroom.get(candidate.org_id) ?? 0) - released);
        candidate.capacity -= released;
        if (released > 0) candidate.last_release_at = now;
        if (released < allowed) {
          // Expected race: another replica released them, or the window closed in between.
          this.metrics.releaseShortfalls.inc();
          this.logger.debug(
            { pass: command.pass, batch_id: candidate.batch_id, allowed, released },
            'batch released fewer contacts than surveyed; offering the rest to the next batch',
          );
          candidate.callable = 0;
        } else candidate.callable -= released;
      }
    }
    return { released: total, stranded };
  }

  /**
   * How many contacts each batch may call now (waiting and due, in a zone whose calling window is
   * open now), counted up to `upTo` per batch in one query; and the batches with waiting contacts
   * in zones that never share an open hour (stranded). Returns batch_id -> count.
   */
  private async surveyCallable(
    batches: { batch_id: string; settings: BatchRow['settings']; complianceGuard: boolean; upTo: number }[],
    now: Date,
  ): Promise<{ callable: Map<string, number>; stranded: StrandedZones[] }> {
    const zonesOf = await this.batches.zonesOf(batches.map((b) => b.batch_id));
    const survey: CallableSurveyRow[] = [];
    for (const batch of batches) {
      const policy = this.windows.policyFor(batch.settings, batch.complianceGuard);
      const open: string[] = [];
      const never: string[] = [];
      for (const zoneKey of zonesOf.get(batch.batch_id) ?? []) {
        const state = this.windows.stateFor(policy, zoneKey, now);
        if (state.open) open.push(zoneKey);
        else if (state.opensAt === null) never.push(zoneKey);
      }
      if (open.length > 0 || never.length > 0)
        survey.push({ batch_id: batch.batch_id, open, never, up_to: batch.upTo });
    }
    if (survey.length === 0) return { callable: new Map(), stranded: [] };
    const counted = await this.contacts.survey(survey, now);
    const stranded = counted
      .filter((row) => row.stranded)
      .map((row) => ({ batch_id: row.batch_id, zone_keys: survey.find((s) => s.batch_id === row.batch_id)!.never }));
    return { callable: new Map(counted.map((r) => [r.batch_id, r.callable])), stranded };
  }

  /**
   * Releases up to `allowed` callable contacts of one batch under its row lock; returns how many.
   * The window is checked again here, at this instant, for every zone of the batch.
   */
  private async releaseBatch(batchId: string, allowed: number, complianceGuard: boolean): Promise<number> {
    const released = await this.db.tx(async (client) => {
      const batch = await this.batches.lock(client, batchId);
      if (!batch || batch.status !== 'running' || batch.completed_at) return 0;
      const now = this.clock.now();
      const capacity = Math.min(allowed, batch.concurrency - batch.inflight);
      if (capacity <= 0) return 0;
      const events: OutboxEvent[] = [];
      const policy = this.windows.policyFor(batch.settings, complianceGuard);
      const openZones = new Map<string, Date>();
      for (const zoneKey of await this.batches.zonesOfLocked(client, batchId)) {
        const state = this.windows.stateFor(policy, zoneKey, now);
        if (state.open) openZones.set(zoneKey, state.closesAt);
      }
      const count = openZones.size > 0 ? await this.claim(client, batch, policy, capacity, openZones, now, events) : 0;
      await this.outbox.enqueue(client, events);
      return count;
    });
    if (released > 0) this.outbox.kick();
    return released;
  }

  private async claim(
    client: SqlClient,
    batch: BatchRow,
    policy: WindowPolicy | null,
    capacity: number,
    openZones: Map<string, Date>,
    now: Date,
    events: OutboxEvent[],
  ): Promise<number> {
    const claimed = await this.contacts.claimReleasable(client, batch.batch_id, capacity, [...openZones.keys()], now);
    if (claimed.length === 0) return 0;
    await this.batches.addReleased(client, batch.batch_id, claimed.length, now);
    const dialSettings = {
      batch_id: batch.batch_id,
      org_id: batch.org_id,
      agent_id: batch.agent_id,
      provider: batch.provider,
      from_number: batch.from_number,
      timeout_seconds: batch.settings.timeout_per_call_seconds,
      concurrency: batch.concurrency,
    };
    for (const contact of claimed) {
      const window = policy ? dialCallingWindow(policy, zonesOfKey(contact.zone_key)) : undefined;
      events.push(
        contactUpdated(contact, now),
        dialRequested(
          dialSettings,
          contact,
          now,
          dialNotAfter(openZones.get(contact.zone_key), batch.end_time),
          window,
        ),
      );
    }
    this.logger.debug({ batch_id: batch.batch_id, released: claimed.length }, 'contacts released');
    return claimed.length;
  }
}

/** A running batch as the allocation sees it, before the survey says how many it may call. */
function candidateOf(b: ReleasableBatchRow): ReleaseCandidate {
  return {
    batch_id: b.batch_id,
    org_id: b.org_id,
    capacity: b.concurrency - b.inflight,
    callable: Number.MAX_SAFE_INTEGER,
    priority: b.priority ?? 0,
    last_release_at: b.last_release_at,
    delay_between_calls_seconds: b.delay ?? 0,
  };
}
