import {
  CallOutcome,
  FinalContactStatus,
  finalStatusForOutcome,
  NEVER_RETRIED_OUTCOMES,
  RetryPolicy,
} from '@outdial/contracts';

export type OutcomeDecision = { kind: 'final'; status: FinalContactStatus } | { kind: 'retry'; delaySeconds: number };

/**
 * The delay before retry number `retryNumber` (1 = the retry after the first attempt): the
 * policy's list, its last delay repeating, times backoff_multiplier^(n - list length) once past it.
 */
export function retryDelaySeconds(
  policy: Pick<RetryPolicy, 'delays_seconds' | 'backoff_multiplier'>,
  retryNumber: number,
): number {
  const delays = policy.delays_seconds.length > 0 ? policy.delays_seconds : [0];
  const index = Math.min(retryNumber, delays.length) - 1;
  const base = delays[index];
  const beyond = retryNumber - delays.length;
  if (beyond > 0 && policy.backoff_multiplier && policy.backoff_multiplier > 1) {
    return base * policy.backoff_multiplier ** beyond;
  }
  return base;
}

/** What an attempt's outcome does to its contact (SPEC §3, §5). */
export function decideAfterOutcome(
  outcome: CallOutcome,
  attempt: number,
  maxAttempts: number,
  policy: RetryPolicy,
): OutcomeDecision {
  const retryable =
    !NEVER_RETRIED_OUTCOMES.includes(outcome) &&
    (outcome === 'voicemail'
      ? policy.retry_on_voicemail === true
      : outcome !== 'completed' && policy.retry_on.includes(outcome));
  if (retryable && attempt < maxAttempts) {
    return { kind: 'retry', delaySeconds: retryDelaySeconds(policy, attempt) };
  }
  return { kind: 'final', status: finalStatusForOutcome(outcome) };
}
