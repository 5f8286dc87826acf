import { CircuitBreakerSettings, SYSTEM_FAILURE_OUTCOMES } from '@outdial/contracts';

/** Width of one bucket of the sliding window (ms): the window is counted in 10 s buckets. */
export const BREAKER_BUCKET_MS = 10_000;

/**
 * A batch's recent attempt results, kept on its row: ended attempts and system failures per 10 s
 * bucket (oldest first, only buckets inside the window) and the current run of `agent_error`s.
 */
export interface BreakerState {
  buckets: { start: number; total: number; system: number }[];
  agent_error_run: number;
}

export const EMPTY_BREAKER: BreakerState = Object.freeze({ buckets: [], agent_error_run: 0 }) as BreakerState;

export type BreakerVerdict =
  { trip: false } | { trip: true; reason: string; attempts: number; system_failures: number; agent_error_run: number };

/**
 * Adds one ended attempt to the batch's window and says whether the batch must pause itself
 * (SPEC §4 auto-pause; the rule and its defaults are in `CircuitBreakerSettings`). Pure: `nowMs`
 * is the result's time; buckets older than the window fall out. The ratio needs at least
 * `min_attempts` attempts in the window, so a few early failures never pause a batch.
 */
export function recordAttemptResult(
  state: BreakerState,
  outcome: string,
  nowMs: number,
  settings: CircuitBreakerSettings,
): { state: BreakerState; verdict: BreakerVerdict } {
  const system = SYSTEM_FAILURE_OUTCOMES.includes(outcome);
  const bucketStart = Math.floor(nowMs / BREAKER_BUCKET_MS) * BREAKER_BUCKET_MS;
  const oldest = nowMs - settings.window_seconds * 1000;
  const buckets = state.buckets.filter((b) => b.start + BREAKER_BUCKET_MS > oldest).map((b) => ({ ...b }));
  const last = buckets[buckets.length - 1];
  if (last && last.start === bucketStart) {
    last.total += 1;
    last.system += system ? 1 : 0;
  } else {
    buckets.push({ start: bucketStart, total: 1, system: system ? 1 : 0 });
  }
  const next: BreakerState = { buckets, agent_error_run: outcome === 'agent_error' ? state.agent_error_run + 1 : 0 };
  if (!settings.enabled) return { state: next, verdict: { trip: false } };
  const attempts = buckets.reduce((n, b) => n + b.total, 0);
  const systemFailures = buckets.reduce((n, b) => n + b.system, 0);
  if (next.agent_error_run >= settings.consecutive_agent_errors) {
    return {
      state: next,
      verdict: {
        trip: true,
        reason: `auto-paused: ${next.agent_error_run} attempts in a row ended agent_error (limit ${settings.consecutive_agent_errors})`,
        attempts,
        system_failures: systemFailures,
        agent_error_run: next.agent_error_run,
      },
    };
  }
  if (attempts >= settings.min_attempts && systemFailures / attempts >= settings.failure_ratio) {
    const percent = Math.round((systemFailures / attempts) * 100);
    return {
      state: next,
      verdict: {
        trip: true,
        reason: `auto-paused: ${systemFailures} of the last ${attempts} attempts (${percent} %) in ${settings.window_seconds} s failed for system reasons (limit ${Math.round(settings.failure_ratio * 100)} % of at least ${settings.min_attempts})`,
        attempts,
        system_failures: systemFailures,
        agent_error_run: next.agent_error_run,
      },
    };
  }
  return { state: next, verdict: { trip: false } };
}
