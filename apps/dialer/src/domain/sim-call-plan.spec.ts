import { planSimCall, SimTimings } from './sim-call-plan';

const timings: SimTimings = { ringSeconds: 3, noAnswerRingSeconds: 25, talkSeconds: 30, timeScale: 1 };

describe('planSimCall', () => {
  it.each(['completed', 'voicemail', 'opted_out', 'agent_error'] as const)(
    '%s is answered after the ring, then talks',
    (outcome) => {
      expect(planSimCall(outcome, timings)).toEqual({
        outcome,
        answered: true,
        ringMs: 3000,
        talkMs: 30_000,
        reportsEnd: true,
      });
    },
  );

  it('uses the scripted talk time, 0 included', () => {
    expect(planSimCall('completed', timings, 12).talkMs).toBe(12_000);
    expect(planSimCall('completed', timings, 0)).toMatchObject({ answered: true, talkMs: 0 });
  });

  it('busy rings a third of the ring time', () => {
    expect(planSimCall('busy', timings)).toEqual({
      outcome: 'busy',
      answered: false,
      ringMs: 1000,
      talkMs: 0,
      reportsEnd: true,
    });
  });

  it('no_answer rings the no-answer time, whatever the talk time', () => {
    expect(planSimCall('no_answer', timings, 99)).toEqual({
      outcome: 'no_answer',
      answered: false,
      ringMs: 25_000,
      talkMs: 0,
      reportsEnd: true,
    });
  });

  it.each(['failed', 'invalid_number', 'blocked', 'carrier_error'] as const)(
    '%s ends after half a second',
    (outcome) => {
      expect(planSimCall(outcome, timings)).toEqual({
        outcome,
        answered: false,
        ringMs: 500,
        talkMs: 0,
        reportsEnd: true,
      });
    },
  );

  it('timeout rings and never reports an end', () => {
    expect(planSimCall('timeout', timings)).toEqual({
      outcome: 'timeout',
      answered: false,
      ringMs: 3000,
      talkMs: 0,
      reportsEnd: false,
    });
  });

  it('scales every time', () => {
    const fast = { ...timings, timeScale: 0.01 };
    expect(planSimCall('completed', fast, 50)).toMatchObject({ ringMs: 30, talkMs: 500 });
    expect(planSimCall('busy', fast)).toMatchObject({ ringMs: 10 });
    expect(planSimCall('no_answer', fast)).toMatchObject({ ringMs: 250 });
    expect(planSimCall('failed', fast)).toMatchObject({ ringMs: 5 });
    expect(planSimCall('completed', { ...timings, timeScale: 2 })).toMatchObject({ ringMs: 6000, talkMs: 60_000 });
  });

  it('rounds to whole milliseconds', () => {
    expect(planSimCall('completed', { ...timings, timeScale: 0.0001 }, 1.2345)).toMatchObject({ ringMs: 0, talkMs: 0 });
    expect(planSimCall('busy', { ...timings, ringSeconds: 1, timeScale: 1 }).ringMs).toBe(333);
  });

  it('rejects a scale that is not positive', () => {
    expect(() => planSimCall('completed', { ...timings, timeScale: 0 })).toThrow(RangeError);
    expect(() => planSimCall('completed', { ...timings, timeScale: Number.NaN })).toThrow(RangeError);
  });
});
