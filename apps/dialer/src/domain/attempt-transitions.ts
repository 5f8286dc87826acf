import { AttemptStatus, ProviderEventKind } from '@outdial/contracts';

/** The order an attempt moves in; it never moves backwards. */
const RANK: Record<AttemptStatus, number> = { admitted: 0, dialing: 1, ringing: 2, in_progress: 3, ended: 4 };

/** Statuses only provider events lead to. */
export type ReportedStatus = Extract<AttemptStatus, 'ringing' | 'in_progress' | 'ended'>;

/** The status each provider event kind moves an attempt to. */
export const STATUS_AFTER_EVENT: Record<ProviderEventKind, ReportedStatus> = {
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
export function decideTransition(current: AttemptStatus, event: ProviderEventKind): TransitionDecision {
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
