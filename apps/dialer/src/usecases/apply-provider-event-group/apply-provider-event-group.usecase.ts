import { Inject, Injectable } from '@nestjs/common';
import { ProviderCallEvent } from '@outdial/contracts';
import {
  Clock,
  Database,
  Logger,
  Outbox,
  SERVICE_CONFIG,
  SERVICE_LOGGER,
  TransientError,
} from '@outdial/service-runtime';

import { DialerEnv } from '../../dialer-env';
import { DialerMetrics } from '../../dialer-metrics';
import { callFinishedEvent, talkSeconds } from '../../domain/attempt-events';
import { AttemptRecord } from '../../domain/attempt-record';
import { reportHeldUntil } from '../../domain/attempt-transitions';
import { GroupedEventStep, planAttemptEvents } from '../../domain/provider-event-group';
import {
  AttemptAdvance,
  AttemptEnding,
  AttemptsRepository,
  ExpectedState,
} from '../../persistence/attempts.repository';
import { ApplyProviderEventCommand } from '../apply-provider-event/apply-provider-event.command';
import { ApplyProviderEventUseCase, AWAIT_DIAL_RECORD_MS } from '../apply-provider-event/apply-provider-event.usecase';

/**
 * Rounds of grouped reads and writes before what still misses goes the one-event path: an attempt
 * another replica's group moved meanwhile (events of one call come milliseconds apart from a fast
 * carrier) is read and decided again with the others that missed, in one statement each, instead
 * of ~3 statements per event alone (bench/scale with 3 dialers).
 */
export const GROUP_ROUNDS = 3;

/** The attempt's one guarded write of the group: the net effect of its folded `advance` / `end` steps. */
type NetWrite =
  | { kind: 'none' }
  | { kind: 'advance'; advance: AttemptAdvance }
  | { kind: 'end'; ending: AttemptEnding; expected: ExpectedState; hold: boolean };

interface AttemptPlan {
  row: AttemptRecord;
  /** Indexes (into the group) of this attempt's events, in group order. */
  indexes: number[];
  steps: GroupedEventStep[];
  write: NetWrite;
}

/**
 * Applies a group of provider events (the messages the PROVIDER consumer delivered at once, see
 * MessageGrouper) with a few statements instead of ~4 per event (issue 16):
 * 1. ONE read of every attempt the group names (`getMany`, no lock);
 * 2. per attempt, its events decided in group order with the late-event table on the attempt as
 *    the earlier ones leave it (`planAttemptEvents`), folded into one write guarded by the state read;
 * 3. every advance in one autocommit statement (`advanceMany`); every end in one statement
 *    (`endMany`, ordered so that no two groups deadlock) with their call-finished rows in one outbox
 *    insert, in one transaction;
 * 4. a guarded write that missed (a concurrent event or replica moved the attempt): every event
 *    of those attempts read, decided and written again together, up to GROUP_ROUNDS rounds;
 * 5. what the group does not handle goes through the one-event path (ApplyProviderEventUseCase)
 *    afterwards, in group order: what still missed after the last round, AMD verdicts and held reports (hold / settle
 *    logic unchanged), hang-ups on machines, events that name no attempt, attempts not known
 *    (yet); attempts in parallel, the events of one attempt in group order.
 * An event whose attempt is not recorded as dialing yet gets its TransientError at once (nak with
 * AWAIT_DIAL_RECORD_MS), as the one-event path would give it.
 * Returns one entry per event (null: applied or ignored; an error: that message's own, e.g. the
 * TransientError to nak with), so each message is still settled on its own. Throws when a group
 * statement fails (MessageGrouper then applies every event alone).
 */
@Injectable()
export class ApplyProviderEventGroupUseCase {
  private readonly log: Logger;

  constructor(
    private readonly db: Database,
    private readonly attempts: AttemptsRepository,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
    private readonly metrics: DialerMetrics,
    private readonly single: ApplyProviderEventUseCase,
    @Inject(SERVICE_CONFIG) private readonly env: DialerEnv,
    @Inject(SERVICE_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ component: 'apply-provider-event-group' });
  }

  /**
   * Applies the group (1..n commands, in delivery order). Returns one entry per command, at its
   * index: null (applied or ignored) or that message's own error (TransientError: nak with its
   * delay). Throws when a group statement fails (nothing of the ends committed; advances may have:
   * applied again alone they are ignored as repeated).
   */
  async execute(commands: readonly ApplyProviderEventCommand[]): Promise<(Error | null)[]> {
    const results: (Error | null)[] = commands.map(() => null);
    const alone = new Set<number>();
    let todo = commands.map((_, i) => i);
    for (let round = 0; round < GROUP_ROUNDS && todo.length > 0; round++) {
      if (round > 0) this.metrics.providerGroupRetries.inc(todo.length);
      todo = await this.applyRound(commands, todo, results, alone);
    }
    for (const i of todo) alone.add(i);

    // Attempts in parallel; the events of one attempt in group order, so its later events still
    // apply after its earlier ones.
    const byAttempt = new Map<string, number[]>();
    for (const i of [...alone].sort((a, b) => a - b)) {
      const key = commands[i].event.attempt_id || `${commands[i].event.provider}:${commands[i].event.provider_call_id}`;
      byAttempt.set(key, [...(byAttempt.get(key) ?? []), i]);
    }
    await Promise.all(
      [...byAttempt.values()].map(async (indexes) => {
        for (const i of indexes) {
          try {
            await this.single.execute(commands[i]);
          } catch (error) {
            results[i] = error instanceof Error ? error : new Error(String(error));
          }
        }
      }),
    );
    return results;
  }

  /**
   * One round over the group's events at `todo` (indexes into `commands`): one read, plans, one
   * advance statement and one end transaction. Fills `results` / `alone` for what it settled or
   * leaves to the one-event path; returns the indexes of the attempts whose guarded write missed
   * (a concurrent event or replica moved them), every event of each, for the next round.
   */
  private async applyRound(
    commands: readonly ApplyProviderEventCommand[],
    todo: readonly number[],
    results: (Error | null)[],
    alone: Set<number>,
  ): Promise<number[]> {
    const ids = [...new Set(todo.map((i) => commands[i].event.attempt_id).filter((id) => !!id))];
    const rows = new Map((await this.attempts.getMany(this.db.pool, ids)).map((r) => [r.attempt_id, r]));

    const plans = new Map<string, AttemptPlan>();
    for (const i of todo) {
      const { event } = commands[i];
      const row = event.attempt_id ? rows.get(event.attempt_id) : undefined;
      if (!row) {
        alone.add(i); // names no attempt, or not known (yet): the one-event path finds it or says why
        continue;
      }
      const plan = plans.get(row.attempt_id) ?? { row, indexes: [], steps: [], write: { kind: 'none' } };
      plan.indexes.push(i);
      plans.set(row.attempt_id, plan);
    }
    for (const plan of plans.values()) {
      this.plan(plan, commands, alone);
      plan.steps.forEach((step, k) => {
        results[plan.indexes[k]] =
          step.kind === 'wait'
            ? new TransientError(`attempt ${plan.row.attempt_id} is not recorded as dialing yet`, AWAIT_DIAL_RECORD_MS)
            : null;
      });
    }

    const writes = [...plans.values()].filter((p) => p.write.kind !== 'none');
    const missed = new Set<string>();
    const ended: { row: AttemptRecord; hold: boolean }[] = [];
    // Advances: one autocommit statement. Ends: one statement + their call-finished rows, in one
    // transaction. Each locks its attempt rows in attempt id order (see AttemptsRepository).
    const advances = writes.flatMap((p) => (p.write.kind === 'advance' ? [p.write.advance] : []));
    const moved = await this.attempts.advanceMany(this.db.pool, advances);
    for (const a of advances) if (!moved.has(a.attempt_id)) missed.add(a.attempt_id);
    const ends = writes.flatMap((p) =>
      p.write.kind === 'end'
        ? [{ attempt_id: p.row.attempt_id, ending: p.write.ending, expected: p.write.expected, hold: p.write.hold }]
        : [],
    );
    if (ends.length > 0) {
      await this.db.tx(async (client) => {
        const endedRows = new Map((await this.attempts.endMany(client, ends)).map((r) => [r.attempt_id, r]));
        for (const e of ends) {
          const row = endedRows.get(e.attempt_id);
          if (row) ended.push({ row, hold: e.hold });
        }
        await this.outbox.enqueue(
          client,
          ended.filter((e) => !e.hold).map((e) => callFinishedEvent(e.row)),
        );
      });
      const endedIds = new Set(ended.map((e) => e.row.attempt_id));
      for (const e of ends) if (!endedIds.has(e.attempt_id)) missed.add(e.attempt_id);
    }

    const again: number[] = [];
    for (const plan of plans.values()) {
      if (missed.has(plan.row.attempt_id)) {
        // Moved meanwhile: every event of the attempt is decided again on what it is now.
        for (const i of plan.indexes) {
          alone.delete(i);
          results[i] = null;
          again.push(i);
        }
        continue;
      }
      plan.steps.forEach((step, k) => {
        if (step.kind === 'ignore') this.ignored(plan.row, commands[plan.indexes[k]].event, step.reason);
      });
    }
    this.reportEnded(ended);
    return again.sort((a, b) => a - b);
  }

  /** Decides the attempt's events of the group and folds the advance / end steps into its one write. */
  private plan(plan: AttemptPlan, commands: readonly ApplyProviderEventCommand[], alone: Set<number>): void {
    const { row } = plan;
    const expected: ExpectedState = { status: row.status, answered_by: row.answered_by };
    let providerCallId = row.provider_call_id;
    let answeredAt = row.answered_at;
    const facts = plan.indexes.map((i) => ({ ...commands[i].event, deliveryCount: commands[i].deliveryCount }));
    // An event for another call of this attempt id (another provider, another provider call id):
    // every event of the attempt goes alone (the one-event path warns and ignores it, as before).
    const callIds = new Set(facts.map((e) => e.provider_call_id));
    if (row.provider_call_id !== null) callIds.add(row.provider_call_id);
    if (callIds.size > 1 || facts.some((e) => e.provider !== row.provider)) {
      plan.steps = facts.map(() => ({ kind: 'alone' }));
      for (const i of plan.indexes) alone.add(i);
      return;
    }
    const steps = planAttemptEvents(
      {
        status: row.status,
        outcome: row.outcome,
        answered_by: row.answered_by,
        report_held: row.report_held_until !== null,
        hangup_on_machine: row.hangup_on_machine,
      },
      facts,
    );
    plan.steps = steps.map((step, k) => {
      const event = commands[plan.indexes[k]].event;
      if (step.kind === 'ignore' || step.kind === 'alone' || step.kind === 'wait') return step;
      providerCallId = providerCallId ?? event.provider_call_id;
      if (step.kind === 'advance') {
        if (event.kind === 'answered') answeredAt = answeredAt ?? new Date(event.at);
        const previous = plan.write.kind === 'advance' ? plan.write.advance : undefined;
        plan.write = {
          kind: 'advance',
          advance: {
            attempt_id: row.attempt_id,
            status: step.to,
            answered_at: answeredAt ?? undefined,
            provider_call_id: providerCallId ?? undefined,
            answered_by: previous?.answered_by ?? event.answered_by,
            expected,
          },
        };
        return step;
      }
      const endedAt = new Date(event.at);
      const earlier = plan.write.kind === 'advance' ? plan.write.advance : undefined;
      plan.write = {
        kind: 'end',
        hold: step.hold,
        expected,
        ending: {
          outcome: step.outcome,
          ended_at: endedAt,
          duration_seconds: event.duration_seconds ?? talkSeconds(answeredAt, endedAt),
          failure_reason:
            event.failure_reason ?? (event.outcome ? undefined : 'provider reported an end without an outcome'),
          answered_at: answeredAt ?? undefined,
          provider_call_id: providerCallId ?? undefined,
          recording_url: event.recording_url,
          transcript: event.transcript,
          answered_by: event.answered_by ?? earlier?.answered_by,
          cost: event.cost,
          // Measured from now, not from the provider's timestamp: the wait is for delivery.
          report_held_until: step.hold
            ? reportHeldUntil(this.clock.nowMs(), this.env.DIALER_AMD_VERDICT_WAIT_SECONDS, row.lease_expires_at)
            : undefined,
        },
      };
      return step;
    });
    plan.steps.forEach((step, k) => {
      if (step.kind === 'alone') alone.add(plan.indexes[k]);
    });
  }

  private ignored(row: AttemptRecord, event: ProviderCallEvent, reason: string): void {
    this.metrics.providerEventsIgnored.inc({ kind: event.kind, reason });
    this.log.debug(
      {
        batch_id: row.batch_id,
        contact_id: row.contact_id,
        attempt_id: row.attempt_id,
        event_id: event.event_id,
        kind: event.kind,
        status: row.status,
        outcome: row.outcome,
        answered_by: event.answered_by,
        reason,
      },
      'provider event changes nothing',
    );
  }

  private reportEnded(ended: readonly { row: AttemptRecord; hold: boolean }[]): void {
    if (ended.some((e) => !e.hold)) this.outbox.kick();
    for (const { row, hold } of ended) {
      const fields = { batch_id: row.batch_id, contact_id: row.contact_id, attempt_id: row.attempt_id };
      if (hold) {
        this.metrics.reportsHeld.inc();
        this.log.debug(
          { ...fields, duration_seconds: row.duration_seconds, held_until: row.report_held_until },
          'call ended; outcome held for its AMD verdict',
        );
        continue;
      }
      this.metrics.callsFinished.inc({ outcome: row.outcome! });
      this.log.info({ ...fields, outcome: row.outcome, duration_seconds: row.duration_seconds }, 'call finished');
    }
  }
}
