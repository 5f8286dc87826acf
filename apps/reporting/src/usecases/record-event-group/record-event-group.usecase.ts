import { Injectable } from '@nestjs/common';
import type { CallFinishedEvent, CallStartedEvent, ContactUpdatedEvent } from '@outdial/contracts';
import { Clock, Database, GroupOutcome, SqlClient, TransientError } from '@outdial/service-runtime';

import { ProgressNotifier } from '../../adapters/progress-notifier';
import { WebhookDispatchSignal } from '../../adapters/webhook-dispatch-signal';
import { CounterDelta, counterDelta, ZERO_DELTA } from '../../domain/contact-counters';
import { attemptCost, CostRates } from '../../domain/cost';
import { costUnits, decisionToRecord, firstPerKey, GroupedEvent, laterInstant } from '../../domain/event-group';
import { statusCountDelta } from '../../domain/status-counts';
import { contactWebhookType } from '../../domain/webhook-events';
import { AttemptReadModelRepository } from '../../persistence/attempt-read-model.repository';
import { BatchActivityRepository } from '../../persistence/batch-activity.repository';
import { BatchReadModelRepository, BatchSums, LockedBatch } from '../../persistence/batch-read-model.repository';
import {
  ContactCallWrite,
  ContactReadModelRepository,
  ContactStateWrite,
  StoredContactRow,
} from '../../persistence/contact-read-model.repository';
import { ProcessedEventsRepository } from '../../persistence/processed-events.repository';
import { newEnqueueCache, WebhookDeliveriesRepository } from '../../persistence/webhook-deliveries.repository';
import { ReportingEnv } from '../../reporting-env';

/** A contact as the group changes it in memory before one write. */
interface ContactInGroup extends StoredContactRow {
  versioned: boolean;
  lastOutcome: string | null;
  nextRetryAt: string | null;
  lastAttemptAt: string | Date | null;
}

/**
 * Applies a group of the dialer's call events (`v1.call.started`, `v1.call.finished`) and the
 * scheduler's contact decisions (`v1.contact.updated`) in ONE transaction, with the same effects
 * as applying them one by one:
 *
 * - every batch of the group is locked once (in batch_id order), every event id recorded in one
 *   insert (a repeat is skipped; an event of a deleted batch is dropped; an event of a batch not
 *   known yet gets its own TransientError in the result, to be redelivered later);
 * - call starts: the attempt row, only what is still unknown (a finish that came first stays); a
 *   new attempt row counts in the batch's attempt_count; the contact's last dial time;
 * - call finishes: the first finish of an attempt wins and prices it (SPEC §8: actual cost as calls
 *   finish; a voice-agent platform's own cost wins over COST_PER_MINUTE); the contact shows its
 *   latest attempt's call;
 * - contact decisions: per contact in version order, only newer versions apply (a waiting decision
 *   in a batch the read model shows `cancelled` is recorded `cancelled`: see `decisionToRecord`);
 *   a planned retry counts in the activity log; a dialed contact becoming final is a
 *   `batch.call_completed` / `batch.call_failed` webhook (outbox, same transaction);
 * - counters and per-status counts move by the before/after difference, added ONCE per batch per
 *   group, so they equal a recount whatever the order, grouping or repetition of events.
 *
 * Call events are applied before decisions within a group (a decision's webhook then carries the
 * call it follows, as it does when the finish is recorded first, the usual order).
 *
 * @returns one entry per input event, in order: null (applied or dropped) or its own error
 */
@Injectable()
export class RecordEventGroupUseCase {
  private readonly rates: CostRates;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    env: ReportingEnv,
    private readonly batches: BatchReadModelRepository,
    private readonly contacts: ContactReadModelRepository,
    private readonly attempts: AttemptReadModelRepository,
    private readonly processedEvents: ProcessedEventsRepository,
    private readonly activity: BatchActivityRepository,
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly progress: ProgressNotifier,
    private readonly dispatch: WebhookDispatchSignal,
  ) {
    this.rates = new CostRates(env.COST_PER_MINUTE, env.COST_PER_MINUTE_BY_PROVIDER);
  }

  async execute(events: readonly GroupedEvent[]): Promise<GroupOutcome> {
    const now = this.clock.now();
    const outcome: GroupOutcome = events.map(() => null);
    const result = await this.db.tx(async (client) => {
      const { locked, deleted } = await this.batches.lockMany(
        client,
        events.map((e) => e.event.batch_id),
      );
      const live = events.filter((e, i) => {
        const batchId = e.event.batch_id;
        if (locked.has(batchId)) return true;
        // A deleted batch's late events are dropped (acknowledged); an unknown batch's come back later.
        if (!deleted.has(batchId)) outcome[i] = new TransientError(`batch ${batchId} not known yet`);
        return false;
      });
      const fresh = await this.processedEvents.markManyProcessed(
        client,
        live.map((e) => e.event.event_id),
        now,
      );
      const applied = firstPerKey(
        live.filter((e) => fresh.has(e.event.event_id)),
        (e) => e.event.event_id,
      );
      if (applied.length === 0) return { touched: [] as string[], webhook: false };
      return this.apply(client, applied, locked, now);
    });
    for (const batchId of result.touched) this.progress.touch(batchId);
    if (result.webhook) this.dispatch.poke();
    return outcome;
  }

  private async apply(
    client: SqlClient,
    applied: GroupedEvent[],
    locked: Map<string, LockedBatch>,
    now: Date,
  ): Promise<{ touched: string[]; webhook: boolean }> {
    const starts: CallStartedEvent[] = [];
    const finishes: CallFinishedEvent[] = [];
    const updates: ContactUpdatedEvent[] = [];
    for (const e of applied) {
      if (e.kind === 'call_started') starts.push(e.event);
      else if (e.kind === 'call_finished') finishes.push(e.event);
      else updates.push(e.event);
    }
    const contacts = await this.loadContacts(
      client,
      applied.map((e) => e.event),
    );
    const sums = new Map<string, BatchSums>();
    const sumsOf = (batchId: string): BatchSums => {
      let s = sums.get(batchId);
      if (!s) {
        s = {
          batchId,
          counters: { ...ZERO_DELTA },
          attempts: 0,
          calls: 0,
          durationSum: 0,
          durationCount: 0,
          costUnits: 0,
        };
        sums.set(batchId, s);
      }
      return s;
    };
    const statusDeltas = new Map<string, Map<string, number>>();
    const touchedContacts = new Set<string>();

    // Call starts: the attempt row (first start per attempt), the contact's last dial time.
    const uniqueStarts = firstPerKey(starts, (e) => e.attempt_id);
    const inserted = await this.attempts.recordStarts(client, uniqueStarts);
    for (const start of uniqueStarts) {
      if (inserted.has(start.attempt_id)) sumsOf(start.batch_id).attempts++;
      const contact = contacts.get(start.contact_id)!;
      contact.lastAttemptAt = laterInstant(contact.lastAttemptAt, start.started_at);
      touchedContacts.add(start.contact_id);
    }

    // Call finishes: the first finish of an attempt wins; the contact shows its latest attempt.
    const uniqueFinishes = firstPerKey(finishes, (e) => e.attempt_id);
    const costs = uniqueFinishes.map((e) => e.cost ?? attemptCost(e.duration_seconds, this.rates.rateFor(e.provider)));
    const ended = await this.attempts.recordFinishes(client, uniqueFinishes, costs);
    const calls = new Map<string, ContactCallWrite>();
    uniqueFinishes.forEach((finish, i) => {
      const end = ended.get(finish.attempt_id);
      if (!end) return; // this attempt was already finished by another event
      const s = sumsOf(finish.batch_id);
      s.calls++;
      s.durationSum += finish.duration_seconds;
      s.durationCount += finish.duration_seconds > 0 ? 1 : 0;
      s.costUnits += costUnits(costs[i]);
      if (end.inserted) s.attempts++;
      const shown = calls.get(finish.contact_id);
      if (shown && shown.attempt > finish.attempt) return;
      calls.set(finish.contact_id, {
        contactId: finish.contact_id,
        callId: finish.attempt_id,
        attempt: finish.attempt,
        durationSeconds: finish.duration_seconds,
        recordingUrl: finish.recording_url ?? null,
        transcript: finish.transcript ?? null,
        failureReason: finish.failure_reason ?? null,
        startedAt: end.startedAt,
      });
    });
    for (const call of calls.values()) {
      const contact = contacts.get(call.contactId)!;
      if (contact.call_attempt !== null && contact.call_attempt > call.attempt) continue;
      contact.call_id = call.callId;
      contact.call_attempt = call.attempt;
      contact.duration_seconds = call.durationSeconds;
      contact.failure_reason = call.failureReason;
      contact.recording_url = call.recordingUrl;
    }
    await this.contacts.recordCalls(client, [...calls.values()]);

    // Scheduler decisions, per contact in version order.
    const cache = newEnqueueCache();
    let webhook = false;
    const ordered = [...updates].sort((a, b) =>
      a.contact_id === b.contact_id ? a.version - b.version : a.contact_id < b.contact_id ? -1 : 1,
    );
    for (const update of ordered) {
      const contact = contacts.get(update.contact_id)!;
      const batch = locked.get(update.batch_id)!;
      const decision = decisionToRecord(contact.version, update, batch.status);
      if (!decision) continue;
      const before = { status: contact.status, final: contact.final, attempts: contact.attempts, row: contact.row };
      const after = { status: decision.status, final: decision.final, attempts: update.attempts, row: contact.row };
      // A retry planned (SPEC §6): counted in the batch's activity log, per minute.
      if (decision.status === 'queued' && decision.nextRetryAt && before.status !== 'queued') {
        await this.activity.countRetryScheduled(
          client,
          update.batch_id,
          update.org_id,
          new Date(update.at),
          update.last_outcome ?? 'unknown',
        );
      }
      addDelta(sumsOf(update.batch_id).counters, counterDelta([before], [after]));
      addStatusDelta(statusDeltas, update.batch_id, statusCountDelta([before], [after]));
      const type = contactWebhookType(before, after);
      if (type) {
        const queued = await this.deliveries.enqueue(
          client,
          {
            orgId: update.org_id,
            batchId: update.batch_id,
            callbackUrl: batch.callback_url,
            type,
            causeId: update.contact_id,
            createdAt: new Date(update.at),
            data: {
              contact_id: update.contact_id,
              row: contact.row,
              phone: contact.phone,
              name: contact.name,
              status: decision.status,
              attempts: update.attempts,
              last_outcome: update.last_outcome ?? null,
              last_attempt_at: update.last_attempt_at ?? null,
              // Known when the call's finish was recorded first (it usually is).
              call_id: contact.call_id,
              duration_seconds: contact.duration_seconds,
              failure_reason: contact.failure_reason,
              recording_url: contact.recording_url,
            },
          },
          now,
          cache,
        );
        webhook ||= queued > 0;
      }
      contact.status = decision.status;
      contact.final = decision.final;
      contact.attempts = update.attempts;
      contact.version = update.version;
      contact.versioned = true;
      contact.lastOutcome = update.last_outcome ?? contact.lastOutcome;
      contact.nextRetryAt = decision.nextRetryAt;
      contact.lastAttemptAt = laterInstant(contact.lastAttemptAt, update.last_attempt_at);
      touchedContacts.add(update.contact_id);
    }

    const writes: ContactStateWrite[] = [];
    for (const id of touchedContacts) {
      const c = contacts.get(id)!;
      if (!c.versioned && c.lastAttemptAt === null) continue;
      writes.push({
        contactId: id,
        versioned: c.versioned,
        status: c.status,
        final: c.final,
        version: c.version,
        attempts: c.attempts,
        lastOutcome: c.lastOutcome,
        nextRetryAt: c.nextRetryAt,
        lastAttemptAt: c.lastAttemptAt,
      });
    }
    await this.contacts.applyStates(client, writes);
    await this.batches.applySums(client, [...sums.values()], now);
    await this.batches.applyStatusCountDeltas(client, statusDeltas);
    return { touched: [...new Set(applied.map((e) => e.event.batch_id))], webhook };
  }

  /**
   * The stored state of every contact of the group, in one read; contacts not there yet (their
   * chunk comes later) get a placeholder row, in one insert, only for those.
   */
  private async loadContacts(
    client: SqlClient,
    events: { contact_id: string; batch_id: string; org_id: string }[],
  ): Promise<Map<string, ContactInGroup>> {
    const byId = new Map(events.map((e) => [e.contact_id, e]));
    const stored = await this.contacts.findMany(client, [...byId.keys()]);
    const contacts = new Map<string, ContactInGroup>(
      stored.map((row) => [
        row.contact_id,
        { ...row, versioned: false, lastOutcome: null, nextRetryAt: null, lastAttemptAt: null },
      ]),
    );
    const missing = [...byId.values()].filter((e) => !contacts.has(e.contact_id));
    await this.contacts.insertPlaceholders(client, missing);
    for (const e of missing) {
      contacts.set(e.contact_id, {
        contact_id: e.contact_id,
        batch_id: e.batch_id,
        status: 'pending',
        final: false,
        attempts: 0,
        version: 0,
        row: null,
        phone: null,
        name: null,
        call_id: null,
        call_attempt: null,
        duration_seconds: null,
        failure_reason: null,
        recording_url: null,
        versioned: false,
        lastOutcome: null,
        nextRetryAt: null,
        lastAttemptAt: null,
      });
    }
    return contacts;
  }
}

function addDelta(total: CounterDelta, delta: CounterDelta): void {
  total.final += delta.final;
  total.completed += delta.completed;
  total.failed += delta.failed;
  total.inProgress += delta.inProgress;
  total.dialedFinal += delta.dialedFinal;
}

function addStatusDelta(
  all: Map<string, Map<string, number>>,
  batchId: string,
  delta: ReadonlyMap<string, number>,
): void {
  let batch = all.get(batchId);
  if (!batch) {
    batch = new Map();
    all.set(batchId, batch);
  }
  for (const [status, n] of delta) batch.set(status, (batch.get(status) ?? 0) + n);
}
