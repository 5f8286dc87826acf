import { CallOutcome } from '@outdial/contracts';

/** The simulator's timings (seconds, before scaling) and the global time factor. */
export interface SimTimings {
  ringSeconds: number;
  noAnswerRingSeconds: number;
  talkSeconds: number;
  /** Multiplies every ring and talk time (0.01 makes a 30 s call last 0.3 s). */
  timeScale: number;
}

/** How a simulated call unfolds, in real (scaled) milliseconds. */
export interface SimCallPlan {
  outcome: CallOutcome;
  /** Whether the callee picks up (an `answered` event, then talk time). */
  answered: boolean;
  /** From placing the call to the answer (answered) or to the end (not answered). */
  ringMs: number;
  /** From the answer to the end; 0 when not answered. */
  talkMs: number;
  /**
   * false for `timeout`: the carrier ends its side silently and never reports a result, which is
   * how a provider that loses its callback looks to the dialer (its reaper ends the attempt).
   */
  reportsEnd: boolean;
}

/** Outcomes where someone (or a machine) picks up. */
export const ANSWERED_OUTCOMES: readonly CallOutcome[] = ['completed', 'voicemail', 'opted_out', 'agent_error'];
/** Outcomes the network rejects almost at once. */
export const FAST_FAILURE_OUTCOMES: readonly CallOutcome[] = ['failed', 'invalid_number', 'blocked', 'carrier_error'];
export const FAST_FAILURE_SECONDS = 0.5;

/** Plans one call: `talkSeconds` is the script's duration when it has one, else the default talk time. */
export function planSimCall(
  outcome: CallOutcome,
  timings: SimTimings,
  talkSeconds: number = timings.talkSeconds,
): SimCallPlan {
  if (!(timings.timeScale > 0)) throw new RangeError(`timeScale must be > 0, got ${timings.timeScale}`);
  const scaled = (seconds: number) => Math.max(0, Math.round(seconds * 1000 * timings.timeScale));
  if (ANSWERED_OUTCOMES.includes(outcome)) {
    return {
      outcome,
      answered: true,
      ringMs: scaled(timings.ringSeconds),
      talkMs: scaled(talkSeconds),
      reportsEnd: true,
    };
  }
  const ringSeconds =
    outcome === 'busy'
      ? timings.ringSeconds / 3 // a busy signal comes after a short ring
      : outcome === 'no_answer'
        ? timings.noAnswerRingSeconds
        : FAST_FAILURE_OUTCOMES.includes(outcome)
          ? FAST_FAILURE_SECONDS
          : timings.ringSeconds; // timeout: rings, then goes silent
  return { outcome, answered: false, ringMs: scaled(ringSeconds), talkMs: 0, reportsEnd: outcome !== 'timeout' };
}
