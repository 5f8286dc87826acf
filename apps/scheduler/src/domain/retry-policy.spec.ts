import { RetryPolicy } from '@outdial/contracts';

import { decideAfterOutcome, retryDelaySeconds } from './retry-policy';

const policy = (overrides: Partial<RetryPolicy> = {}): RetryPolicy => ({ ...new RetryPolicy(), ...overrides });

describe('retry policy', () => {
  it('retries busy, no_answer and timeout by default while attempts remain', () => {
    for (const outcome of ['busy', 'no_answer', 'timeout'] as const) {
      expect(decideAfterOutcome(outcome, 1, 3, policy())).toEqual({ kind: 'retry', delaySeconds: 300 });
      expect(decideAfterOutcome(outcome, 2, 3, policy())).toEqual({ kind: 'retry', delaySeconds: 1800 });
      expect(decideAfterOutcome(outcome, 3, 3, policy())).toEqual({ kind: 'final', status: 'failed' });
    }
  });

  it('ends at once on outcomes that are never retried, whatever retry_on says', () => {
    const everything = policy({ retry_on: ['invalid_number', 'blocked', 'carrier_error', 'agent_error', 'opted_out'] });
    expect(decideAfterOutcome('invalid_number', 1, 5, everything)).toEqual({ kind: 'final', status: 'invalid_number' });
    expect(decideAfterOutcome('blocked', 1, 5, everything)).toEqual({ kind: 'final', status: 'blocked' });
    expect(decideAfterOutcome('carrier_error', 1, 5, everything)).toEqual({ kind: 'final', status: 'carrier_error' });
    expect(decideAfterOutcome('agent_error', 1, 5, everything)).toEqual({ kind: 'final', status: 'agent_error' });
    expect(decideAfterOutcome('opted_out', 1, 5, everything)).toEqual({ kind: 'final', status: 'opted_out' });
  });

  it('completes on completed and never retries it', () => {
    expect(decideAfterOutcome('completed', 1, 3, policy({ retry_on: ['completed'] }))).toEqual({
      kind: 'final',
      status: 'completed',
    });
  });

  it('retries voicemail only with retry_on_voicemail', () => {
    expect(decideAfterOutcome('voicemail', 1, 3, policy())).toEqual({ kind: 'final', status: 'voicemail' });
    expect(decideAfterOutcome('voicemail', 1, 3, policy({ retry_on_voicemail: true }))).toEqual({
      kind: 'retry',
      delaySeconds: 300,
    });
    expect(decideAfterOutcome('voicemail', 3, 3, policy({ retry_on_voicemail: true }))).toEqual({
      kind: 'final',
      status: 'voicemail',
    });
  });

  it('does not retry outcomes left out of retry_on', () => {
    expect(decideAfterOutcome('no_answer', 1, 3, policy({ retry_on: ['busy'] }))).toEqual({
      kind: 'final',
      status: 'failed',
    });
    expect(decideAfterOutcome('failed', 1, 3, policy())).toEqual({ kind: 'final', status: 'failed' });
  });

  it('with max_attempts 1 never retries', () => {
    expect(decideAfterOutcome('busy', 1, 1, policy())).toEqual({ kind: 'final', status: 'failed' });
  });

  it('repeats the last delay, multiplied by the backoff past the list', () => {
    expect([1, 2, 3, 4].map((n) => retryDelaySeconds({ delays_seconds: [10, 20] }, n))).toEqual([10, 20, 20, 20]);
    expect([1, 2, 3, 4].map((n) => retryDelaySeconds({ delays_seconds: [10, 20], backoff_multiplier: 2 }, n))).toEqual([
      10, 20, 40, 80,
    ]);
    expect(retryDelaySeconds({ delays_seconds: [] }, 1)).toBe(0);
  });
});
