import { CIRCUIT_BREAKER_DEFAULTS } from '@outdial/contracts';

import { BreakerState, EMPTY_BREAKER, recordAttemptResult } from './circuit-breaker';

const T0 = Date.UTC(2026, 10, 29, 12, 0, 0);

function feed(
  outcomes: string[],
  stepMs = 1000,
  settings = CIRCUIT_BREAKER_DEFAULTS,
  start: BreakerState = EMPTY_BREAKER,
) {
  let state = start;
  const verdicts = [];
  for (let i = 0; i < outcomes.length; i++) {
    const result = recordAttemptResult(state, outcomes[i], T0 + i * stepMs, settings);
    state = result.state;
    verdicts.push(result.verdict);
  }
  return { state, verdicts };
}

describe('recordAttemptResult (batch circuit breaker)', () => {
  it('trips at exactly 50 % system failures of 20 attempts, not at 9 of 19 or 9 of 20', () => {
    const ten = [...Array(10).fill('agent_error'), ...Array(10).fill('completed')];
    // interleaved so no run of agent errors reaches 10
    const mixed = ten.map((_, i) => (i % 2 === 0 ? 'carrier_error' : 'busy'));
    const { verdicts } = feed(mixed);
    expect(verdicts.slice(0, 19).every((v) => !v.trip)).toBe(true);
    expect(verdicts[19]).toMatchObject({ trip: true, attempts: 20, system_failures: 10 });
    expect((verdicts[19] as { reason: string }).reason).toBe(
      'auto-paused: 10 of the last 20 attempts (50 %) in 120 s failed for system reasons (limit 50 % of at least 20)',
    );
    const nine = feed([...Array(11).fill('completed'), ...Array(9).fill('carrier_error')]);
    expect(nine.verdicts.some((v) => v.trip)).toBe(false);
  });

  it('trips on the 10th agent_error in a row, and a success resets the run', () => {
    const { verdicts } = feed([...Array(9).fill('agent_error'), 'completed', ...Array(10).fill('agent_error')], 60_000);
    // one a minute: never 20 in 2 minutes, so only the run counts
    expect(verdicts.slice(0, 19).every((v) => !v.trip)).toBe(true);
    expect(verdicts[19]).toMatchObject({ trip: true, agent_error_run: 10 });
    expect((verdicts[19] as { reason: string }).reason).toBe(
      'auto-paused: 10 attempts in a row ended agent_error (limit 10)',
    );
  });

  it('forgets results older than the window', () => {
    const old = feed(Array(15).fill('carrier_error'), 100).state; // 15 failures in the first 1.5 s
    // 3 minutes later: those fell out of the 2-minute window
    const later = recordAttemptResult(old, 'carrier_error', T0 + 180_000, CIRCUIT_BREAKER_DEFAULTS);
    expect(later.state.buckets).toEqual([{ start: T0 + 180_000, total: 1, system: 1 }]);
    // while 1 minute later they still count: 16 of 16 -> not yet 20 attempts
    const sooner = recordAttemptResult(old, 'completed', T0 + 60_000, CIRCUIT_BREAKER_DEFAULTS);
    expect(sooner.state.buckets.reduce((n, b) => n + b.total, 0)).toBe(16);
    expect(sooner.verdict.trip).toBe(false);
  });

  it('ordinary failures (busy, no_answer, voicemail, invalid_number) never trip it', () => {
    const { verdicts } = feed(
      Array(100).fill(['busy', 'no_answer', 'voicemail', 'invalid_number']).flat().slice(0, 100),
      100,
    );
    expect(verdicts.some((v) => v.trip)).toBe(false);
  });

  it('does nothing when the org turned it off, but keeps counting', () => {
    const { state, verdicts } = feed(Array(30).fill('agent_error'), 100, {
      ...CIRCUIT_BREAKER_DEFAULTS,
      enabled: false,
    });
    expect(verdicts.some((v) => v.trip)).toBe(false);
    expect(state.agent_error_run).toBe(30);
  });

  it('keeps at most window / 10 s + 1 buckets whatever the rate', () => {
    const { state } = feed(Array(2000).fill('completed'), 250);
    expect(state.buckets.length).toBeLessThanOrEqual(13);
  });
});
