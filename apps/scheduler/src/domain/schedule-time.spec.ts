import { parseFutureStartTime } from './schedule-time';

const now = new Date('2026-11-21T12:00:00Z');

describe('parseFutureStartTime', () => {
  it('reads an offset-less time in the given zone', () => {
    expect(parseFutureStartTime('2026-11-22T09:00:00', 'America/New_York', now)).toEqual({
      ok: true,
      at: new Date('2026-11-22T14:00:00Z'),
    });
  });
  it('keeps an explicit offset whatever the zone', () => {
    expect(parseFutureStartTime('2026-11-22T09:00:00+05:30', 'America/New_York', now)).toEqual({
      ok: true,
      at: new Date('2026-11-22T03:30:00Z'),
    });
  });
  it('defaults to UTC', () => {
    expect(parseFutureStartTime('2026-11-22T09:00:00', undefined, now)).toEqual({
      ok: true,
      at: new Date('2026-11-22T09:00:00Z'),
    });
  });
  it('refuses now and the past', () => {
    expect(parseFutureStartTime('2026-11-21T12:00:00Z', 'UTC', now)).toMatchObject({
      ok: false,
      field: 'scheduled_start_time',
    });
    expect(parseFutureStartTime('2026-11-21T12:00:01Z', 'UTC', now)).toMatchObject({ ok: true });
  });
  it('refuses a bad zone and a bad date', () => {
    expect(parseFutureStartTime('2026-11-22T09:00:00', 'Mars/Olympus', now)).toMatchObject({
      ok: false,
      field: 'timezone',
    });
    expect(parseFutureStartTime('tomorrow', 'UTC', now)).toMatchObject({ ok: false, field: 'scheduled_start_time' });
    expect(parseFutureStartTime(undefined, 'UTC', now)).toMatchObject({ ok: false, field: 'scheduled_start_time' });
  });
});
