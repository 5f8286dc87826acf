import { randomUUID } from 'node:crypto';

import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { Subjects } from '@outdial/contracts';
import {
  Clock,
  Database,
  EventPublisher,
  Logger,
  MessageGrouper,
  SERVICE_LOGGER,
  SqlClient,
} from '@outdial/service-runtime';

import { SimCallPlan } from '../../../domain/sim-call-plan';
import { SimCallRow } from './sim-call-row';
import { nextSimStep, simProviderEvent } from './sim-call-steps';
import { NewSimCall, SimCallsRepository } from './sim-calls.repository';

/** How late a step must be before a sweeper takes it over from the timers of the process that placed the call. */
export const SWEEP_GRACE_MS = 1000;
const SWEEP_BATCH = 100;
/** The steps due at once (timers firing together) are written in groups of this many (issue 16). */
export const SIM_STEP_GROUP = { maxItems: 200, lingerMs: 2, maxInFlight: 2 } as const;
/** Calls placed at once are stored in groups; several under way, since each place-call waits for its group. */
export const SIM_PLACE_GROUP = { maxItems: 64, lingerMs: 1, maxInFlight: 8 } as const;

type Step = { callId: string; kind: 'answer' | 'end' };
/** A call being placed; `row` is filled in once its group committed. */
type Placing = { call: NewSimCall; row?: SimCallRow };

/**
 * The simulated carrier. It stands for an external system: its state lives in `sim_calls` and its
 * status callbacks go out as provider events, exactly like a real provider's. Each call is driven
 * by timers in the process that placed it; if that process dies, a sweeper in any other process
 * finishes the call, so calls survive the dialer replica that placed them.
 */
@Injectable()
export class SimulatedCarrier implements OnModuleDestroy {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly running = new Set<Promise<void>>();
  private readonly log: Logger;
  private stopping = false;
  private readonly steps: MessageGrouper<Step>;
  private readonly placing: MessageGrouper<Placing>;

  constructor(
    private readonly db: Database,
    private readonly calls: SimCallsRepository,
    private readonly publisher: EventPublisher,
    private readonly clock: Clock,
    @Inject(SERVICE_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ component: 'simulated-carrier' });
    this.steps = new MessageGrouper((group) => this.applySteps(group), SIM_STEP_GROUP);
    // A failed group is placed again call by call, so one bad call fails only its own place().
    this.placing = new MessageGrouper((group) => this.placeGroup(group), SIM_PLACE_GROUP);
  }

  /**
   * Places a call: stores it and sends `ringing` together (a failed publish places nothing). Calls
   * placed at once are stored in one statement and one transaction (issue 16).
   */
  async place(attemptId: string, toPhone: string, plan: SimCallPlan): Promise<string> {
    const placedAt = this.clock.now();
    const at = (ms: number) => new Date(placedAt.getTime() + ms);
    const placing: Placing = {
      call: {
        call_id: `sim-${randomUUID()}`,
        attempt_id: attemptId,
        to_phone: toPhone,
        outcome: plan.outcome,
        placed_at: placedAt,
        answer_due_at: plan.answered ? at(plan.ringMs) : null,
        end_due_at: at(plan.ringMs + plan.talkMs),
      },
    };
    await this.placing.submit(placing);
    const row = placing.row!;
    this.arm(row);
    this.log.debug(
      {
        attempt_id: attemptId,
        call_id: row.call_id,
        outcome: plan.outcome,
        ring_ms: plan.ringMs,
        talk_ms: plan.talkMs,
      },
      'simulated call placed',
    );
    return row.call_id;
  }

  /** Stores a group of new calls and publishes their `ringing` before the commit. */
  private async placeGroup(group: Placing[]): Promise<null[]> {
    const rows = await this.db.tx(async (client) => {
      const inserted = await this.calls.insertMany(
        client,
        group.map((p) => p.call),
      );
      await Promise.all(inserted.map((row) => this.emit(row)));
      return inserted;
    });
    group.forEach((p, i) => (p.row = rows[i]));
    return group.map(() => null);
  }

  /** Moves every overdue call one step (another process placed it and is gone, or stalled). */
  async sweepOverdue(): Promise<number> {
    if (this.stopping) return 0;
    const cutoff = new Date(this.clock.nowMs() - SWEEP_GRACE_MS);
    const moved = await this.db.tx(async (client) => {
      const overdue = await this.calls.claimOverdue(client, cutoff, SWEEP_BATCH);
      const out = await this.write(
        client,
        overdue.map((row) => ({ callId: row.call_id, kind: nextSimStep(row)!.kind })),
      );
      // The callbacks of the whole sweep are published together, before the commit (issue 16: one
      // by one, the claimed rows stayed locked for a round trip per call, and every timer of the
      // process that placed them waited). A failed publish rolls the sweep back; a callback that
      // went out anyway comes again on the next sweep and is ignored there as repeated.
      await Promise.all(out.map((row) => this.emit(row)));
      return out;
    });
    // Adopted calls continue on this process's timers (an answered call still has its talk time to go).
    for (const row of moved) this.arm(row);
    if (moved.length > 0) this.log.info({ calls: moved.length }, 'took over overdue simulated calls');
    return moved.length;
  }

  /** Stops the timers; calls still live are finished by a sweeper (here after a restart, or another replica). */
  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    await Promise.allSettled([...this.running]);
  }

  /** Arms the timer of the call's next step, if it has one. */
  private arm(row: SimCallRow): void {
    const next = nextSimStep(row);
    if (!next || this.stopping) return;
    clearTimeout(this.timers.get(row.call_id));
    const delay = Math.max(0, next.dueAt.getTime() - this.clock.nowMs());
    const timer = setTimeout(() => this.fire(row.call_id, next.kind), delay);
    // The server keeps the process alive; a pending simulated call alone must not.
    timer.unref();
    this.timers.set(row.call_id, timer);
  }

  private fire(callId: string, kind: 'answer' | 'end'): void {
    this.timers.delete(callId);
    if (this.stopping) return;
    const task = this.steps.submit({ callId, kind }).finally(() => this.running.delete(task));
    this.running.add(task);
  }

  /**
   * The steps whose timers fired together, in one transaction (issue 16: one statement per step
   * kind instead of a transaction per call and step): each call moves only from the state its step
   * expects (a sweeper may have moved it first: then it is left out), its callbacks are published
   * before the commit (no callback without the state change, and vice versa), then the next timers
   * are armed. A failure is logged once; the sweeper retries those calls.
   */
  private async applySteps(group: Step[]): Promise<null[]> {
    try {
      const moved = await this.db.tx(async (client) => {
        const rows = await this.write(client, group);
        await Promise.all(rows.map((row) => this.emit(row)));
        return rows;
      });
      for (const row of moved) this.arm(row);
    } catch (error) {
      this.log.warn(
        { err: error, calls: group.map((s) => s.callId) },
        'simulated call steps failed; the sweeper retries them',
      );
    }
    return group.map(() => null);
  }

  /** The state changes of these steps (one statement per kind), in the caller's transaction; the calls that moved. */
  private async write(client: SqlClient, steps: readonly Step[]): Promise<SimCallRow[]> {
    const now = this.clock.now();
    const answered = await this.calls.answerMany(
      client,
      steps.filter((s) => s.kind === 'answer').map((s) => s.callId),
      now,
    );
    const ended = await this.calls.endMany(
      client,
      steps.filter((s) => s.kind === 'end').map((s) => s.callId),
      now,
    );
    return [...answered, ...ended];
  }

  private async emit(row: SimCallRow): Promise<void> {
    const event = simProviderEvent(row);
    if (event) await this.publisher.publish(Subjects.providerEvent, event);
  }
}
