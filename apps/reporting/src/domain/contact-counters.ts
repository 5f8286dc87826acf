import { SUCCESS_STATUS } from './contact-read-model';

/** What of a contact the batch counters depend on. */
export interface CounterState {
  status: string;
  final: boolean;
  attempts: number;
}

/** Changes to apply to a batch's counters (all zero when nothing that counts changed). */
export interface CounterDelta {
  final: number;
  completed: number;
  failed: number;
  inProgress: number;
  /** Final contacts that were dialed at least once: the pace used for the completion estimate. */
  dialedFinal: number;
}

/** Contacts a call is under way for (SPEC §8 `in_progress`). */
export const IN_PROGRESS_STATUSES: readonly string[] = ['dialing', 'in_progress'];

export const ZERO_DELTA: Readonly<CounterDelta> = Object.freeze({
  final: 0,
  completed: 0,
  failed: 0,
  inProgress: 0,
  dialedFinal: 0,
});

/**
 * How much one contact adds to each batch counter. The counters are kept as the sum of this over
 * the batch's contacts: every write applies `after - before` under the batch row lock, so they
 * equal a recount whatever the order or repetition of events.
 */
export function counterContribution(state: CounterState): CounterDelta {
  const final = state.final ? 1 : 0;
  const completed = state.final && state.status === SUCCESS_STATUS ? 1 : 0;
  return {
    final,
    completed,
    failed: final - completed,
    inProgress: !state.final && IN_PROGRESS_STATUSES.includes(state.status) ? 1 : 0,
    dialedFinal: state.final && state.attempts > 0 ? 1 : 0,
  };
}

function sum(states: readonly CounterState[]): CounterDelta {
  const total = { ...ZERO_DELTA };
  for (const state of states) {
    const c = counterContribution(state);
    total.final += c.final;
    total.completed += c.completed;
    total.failed += c.failed;
    total.inProgress += c.inProgress;
    total.dialedFinal += c.dialedFinal;
  }
  return total;
}

/** The counter change when contacts go from `before` (absent ones contribute nothing) to `after`. */
export function counterDelta(before: readonly CounterState[], after: readonly CounterState[]): CounterDelta {
  const b = sum(before);
  const a = sum(after);
  return {
    final: a.final - b.final,
    completed: a.completed - b.completed,
    failed: a.failed - b.failed,
    inProgress: a.inProgress - b.inProgress,
    dialedFinal: a.dialedFinal - b.dialedFinal,
  };
}

export function isZeroDelta(delta: CounterDelta): boolean {
  return (
    delta.final === 0 &&
    delta.completed === 0 &&
    delta.failed === 0 &&
    delta.inProgress === 0 &&
    delta.dialedFinal === 0
  );
}
