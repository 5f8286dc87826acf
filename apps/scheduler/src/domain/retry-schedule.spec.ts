import { planRetry } from './retry-schedule';

const now = new Date('2026-11-23T12:00:00Z');
const always = (at: Date) => at;

describe('planRetry', () => {
  it('retries after the delay when the window is open then', () => {
    expect(planRetry(now, 300, always)).toEqual({ kind: 'retry', at: new Date('2026-11-23T12:05:00Z') });
  });
  it('a retry due at night waits for the next window', () => {
    const nextMorning = new Date('2026-11-24T14:00:00Z');
    expect(planRetry(now, 3600, () => nextMorning)).toEqual({ kind: 'retry', at: nextMorning });
  });
  it('expires when the window never opens again', () => {
    expect(planRetry(now, 300, () => null)).toEqual({ kind: 'expired' });
  });
  it('expires when the retry would fall at or after end_time', () => {
    expect(planRetry(now, 300, always, new Date('2026-11-23T12:05:00Z'))).toEqual({ kind: 'expired' });
    expect(planRetry(now, 300, always, new Date('2026-11-23T12:05:01Z'))).toEqual({
      kind: 'retry',
      at: new Date('2026-11-23T12:05:00Z'),
    });
  });
});
