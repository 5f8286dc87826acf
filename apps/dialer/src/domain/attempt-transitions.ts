import { AmdVerdict, AttemptStatus, CallOutcome, isMachineVerdict, ProviderEventKind } from '@outdial/contracts';

/** The order an attempt moves in; it never moves backwards. */
const RANK: Record<AttemptStatus, number> = { admitted: 0, dialing: 1, ringing: 2, in_progress: 3, ended: 4 };

/** Statuses only provider events lead to. */
export type ReportedStatus = Extract<AttemptStatus, 'ringing' | 'in_progress' | 'ended'>;

/** Provider events about the call's progress (an `amd_verdict` says who answered, not where the call is). */
export type StatusEventKind = Exclude<ProviderEventKind, 'amd_verdict'>;

/** The status each provider event kind moves an attempt to. */
export const STATUS_AFTER_EVENT: Record<StatusEventKind, ReportedStatus> = {
  ringing: 'ringing',
  answered: 'in_progress',
  ended: 'ended',
};

export type TransitionDecision =
  | { kind: 'apply'; to: ReportedStatus }
  /** terminal: the attempt already ended; repeated: same status again; stale: arrived after a later one. */
  | { kind: 'ignore'; reason: 'terminal' | 'repeated' | 'stale' };

/**
 * What a provider event does to an attempt: admitted/dialing -> ringing -> in_progress -> ended,
 * skipping steps is fine (a call may end without ringing), going back is not, ended is terminal.
 * Repeated and out-of-order events change nothing, so redeliveries are harmless.
 */
export function decideTransition(current: AttemptStatus, event: StatusEventKind): TransitionDecision {
  if (current === 'ended') return { kind: 'ignore', reason: 'terminal' };
  const to = STATUS_AFTER_EVENT[event];
  if (RANK[to] > RANK[current]) return { kind: 'apply', to };
  return { kind: 'ignore', reason: RANK[to] === RANK[current] ? 'repeated' : 'stale' };
}

/** Deliveries a provider event waits for the dialer to record that it dialed (see below). */
export const MAX_DELIVERIES_AWAITING_DIAL_RECORD = 3;

/**
 * A provider can report on a call before the dialer that placed it has recorded the dial (the
 * simulator answers within milliseconds at small time scales). Waiting a little keeps call-started
 * ahead of call-finished with started_at filled in; not waiting forever matters because that
 * dialer may have died after dialing, and the provider's result is still the truth.
 */
export function shouldAwaitDialRecord(current: AttemptStatus, deliveryCount: number): boolean {
  return current === 'admitted' && deliveryCount <= MAX_DELIVERIES_AWAITING_DIAL_RECORD;
}

// ---------------------------------------------------------------------------------------------
// Late events: what may still change an attempt's outcome once the call has ended.
//
// A provider's verdict can arrive after the event that ended the attempt: with Twilio's
// asynchronous AMD the `AnsweredBy` verdict has a callback of its own, and nothing orders it
// against the `completed` status callback (issue 12 §4: `completed, CallDuration=18`, then 0.5 s
// later `AnsweredBy=machine_end_beep`).
//
// Choice: SETTLE, DO NOT UNDO. An attempt ended `completed` while its verdict is still owed (the
// call was placed with async AMD and the `completed` carried no `AnsweredBy`) ends at once - its
// slot is free, the call is over - but its call-finished is HELD until the verdict arrives or
// `DIALER_AMD_VERDICT_WAIT_SECONDS` pass. Only then do the scheduler (retry or final status) and
// reporting (counts, webhooks) hear of it, once, with the right outcome. The alternative,
// publishing `completed` and revising it downstream, would have to take back what cannot be taken
// back: a `batch.call_completed` webhook already delivered, a "successful" count already shown, a
// batch already `completed` and announced, a retry decision already made. A bounded hold of a few
// seconds on answered calls costs nothing comparable. A verdict later than the hold is recorded
// nowhere and changes nothing (row F1 below): the outcome was reported and stays.
//
// The table (README "Late provider events" mirrors it; attempt-transitions.spec.ts tests it row by row):
//
// | row | attempt                                   | event                                   | decision                                             |
// |-----|-------------------------------------------|-----------------------------------------|------------------------------------------------------|
// | O1  | open                                      | ringing / answered, forward              | advance (answered: keep its answered_by if any)      |
// | O2  | open                                      | ringing / answered, same or backward     | ignore (repeated / stale)                            |
// | O3  | open, no verdict yet                      | amd_verdict                              | record the verdict; it decides the outcome at the end|
// | O4  | open, verdict recorded                    | amd_verdict                              | ignore (repeated: the first verdict wins)            |
// | O5  | open, machine/fax verdict recorded        | ended completed                          | end `voicemail`, report now                          |
// | O6  | open, human/unknown verdict recorded      | ended completed                          | end `completed`, report now                          |
// | O7  | open, no verdict                          | ended completed, awaits_amd_verdict      | end `completed`, HOLD the report for the verdict     |
// | O8  | open, no verdict                          | ended completed, no async AMD            | end `completed`, report now                          |
// | O9  | open                                      | ended with any other outcome             | end with it, report now (no answer: no verdict comes)|
// | H1  | ended, report held                        | amd_verdict machine_* / fax              | revise to `voicemail`, report now (once)             |
// | H2  | ended, report held                        | amd_verdict human / unknown              | confirm `completed`, report now                      |
// | H3  | ended, report held                        | ended (a second completed, or any end)   | ignore (repeated: the first end wins)                |
// | H4  | ended, report held                        | ringing / answered                       | ignore (stale)                                       |
// | H5  | ended, report held                        | (none within the wait)                   | report `completed` (settle-held-reports use case)   |
// | F1  | ended, reported                           | amd_verdict                              | ignore (too_late: the outcome was reported)          |
// | F2  | ended, reported                           | ended (second completed, busy, ...)      | ignore (terminal: first end wins, also after a reaper timeout) |
// | F3  | ended, reported                           | ringing / answered                       | ignore (terminal)                                    |
// ---------------------------------------------------------------------------------------------

/** What the decision needs of the attempt. */
export interface AttemptState {
  status: AttemptStatus;
  outcome: CallOutcome | null;
  /** The AMD verdict recorded so far. */
  answered_by: AmdVerdict | null;
  /** Ended, with its call-finished held for an AMD verdict. */
  report_held: boolean;
}

/** What the decision needs of the event. */
export interface ProviderEventFacts {
  kind: ProviderEventKind;
  outcome?: CallOutcome;
  answered_by?: AmdVerdict;
  awaits_amd_verdict?: boolean;
}

export type IgnoreReason = 'terminal' | 'repeated' | 'stale' | 'too_late';

export type ProviderEventDecision =
  /** O1: move the open attempt forward. */
  | { kind: 'advance'; to: 'ringing' | 'in_progress' }
  /** O3: keep the verdict on the open attempt. */
  | { kind: 'record_verdict' }
  /** O5-O9: end the attempt with this outcome; `hold`: call-finished waits for the verdict. */
  | { kind: 'end'; outcome: CallOutcome; hold: boolean }
  /** H1, H2: report the held attempt with this outcome. */
  | { kind: 'settle'; outcome: CallOutcome }
  | { kind: 'ignore'; reason: IgnoreReason };

/** The outcome an answered call ends with, given the AMD verdict (SPEC §7: machine answers are `voicemail`). */
export function outcomeWithVerdict(outcome: CallOutcome, verdict: AmdVerdict | null | undefined): CallOutcome {
  return outcome === 'completed' && isMachineVerdict(verdict) ? 'voicemail' : outcome;
}

/**
 * Decides what one provider event does to an attempt, after-the-end included (the table above).
 * Pure; the caller holds the attempt's row lock, so events of one attempt are decided one at a time
 * and a redelivered event meets the state its first delivery left: every row is idempotent.
 */
export function decideProviderEvent(attempt: AttemptState, event: ProviderEventFacts): ProviderEventDecision {
  if (attempt.status === 'ended') {
    if (!attempt.report_held) return { kind: 'ignore', reason: event.kind === 'amd_verdict' ? 'too_late' : 'terminal' };
    if (event.kind === 'amd_verdict')
      return { kind: 'settle', outcome: outcomeWithVerdict(attempt.outcome ?? 'completed', event.answered_by) };
    return { kind: 'ignore', reason: event.kind === 'ended' ? 'repeated' : 'stale' };
  }
  if (event.kind === 'amd_verdict')
    return attempt.answered_by ? { kind: 'ignore', reason: 'repeated' } : { kind: 'record_verdict' };
  const transition = decideTransition(attempt.status, event.kind);
  if (transition.kind === 'ignore') return transition;
  if (transition.to !== 'ended') return { kind: 'advance', to: transition.to };
  const reported = event.outcome ?? 'failed';
  const verdict = event.answered_by ?? attempt.answered_by;
  if (reported === 'completed' && !verdict && event.awaits_amd_verdict)
    return { kind: 'end', outcome: 'completed', hold: true };
  return { kind: 'end', outcome: outcomeWithVerdict(reported, verdict), hold: false };
}

/**
 * Until when an ended attempt's report waits for its AMD verdict: `waitSeconds` from now, but never
 * past the attempt's lease (admission + call timeout + DIALER_LEASE_GRACE_SECONDS), so the
 * scheduler, which gives up on a release at timeout + SCHEDULER_RELEASE_GRACE_SECONDS (longer than
 * the lease grace), always hears of the attempt before it would end it `timeout` itself. A lease
 * already past means no wait at all (released by the next settle tick).
 */
export function reportHeldUntil(nowMs: number, waitSeconds: number, leaseExpiresAt: Date): Date {
  return new Date(Math.max(nowMs, Math.min(nowMs + waitSeconds * 1000, leaseExpiresAt.getTime())));
}

/**
 * Whether applying this event should hang the call up: the agent asked for it
 * (`hangup_on_machine`), this is the call's first verdict, it says machine or fax, and the call is
 * still open (the verdict is being recorded, rows O1/O3). A repeated verdict is O4 and never hangs
 * up twice; a verdict after the end has nothing left to hang up.
 */
export function shouldHangUpOnVerdict(
  attempt: { hangup_on_machine: boolean; answered_by: AmdVerdict | null },
  event: ProviderEventFacts,
  decision: ProviderEventDecision,
): boolean {
  if (!attempt.hangup_on_machine || attempt.answered_by !== null || !isMachineVerdict(event.answered_by)) return false;
  return decision.kind === 'record_verdict' || decision.kind === 'advance';
}
