import {
  intersectIntervals,
  nextCallableAt,
  resolveWindowPolicy,
  windowStateAt,
  windowStateSpanAt,
  zoneOpenIntervals,
} from './calling-window';

const utc = (iso: string) => new Date(iso);
const defaults = resolveWindowPolicy(undefined, true);

describe('resolveWindowPolicy', () => {
  it('defaults to 09:00-20:00 on all days', () => {
    expect(defaults).toEqual({ startHour: 9, endHour: 20, weekdays: new Set([1, 2, 3, 4, 5, 6, 7]) });
  });
  it('clamps to the 08:00-21:00 compliance guard', () => {
    const p = resolveWindowPolicy({ start_hour: 6, end_hour: 23 }, true);
    expect([p.startHour, p.endHour]).toEqual([8, 21]);
  });
  it('keeps the edges of the guard themselves', () => {
    const p = resolveWindowPolicy({ start_hour: 8, end_hour: 21 }, true);
    expect([p.startHour, p.endHour]).toEqual([8, 21]);
  });
  it('lets an org without the guard call outside 08:00-21:00', () => {
    const p = resolveWindowPolicy({ start_hour: 6, end_hour: 23 }, false);
    expect([p.startHour, p.endHour]).toEqual([6, 23]);
  });
  it('skip_weekends drops Saturday and Sunday', () => {
    expect(resolveWindowPolicy({ skip_weekends: true }, true).weekdays).toEqual(new Set([1, 2, 3, 4, 5]));
  });
  it('days lists the allowed days; skip_weekends still removes weekend days from it', () => {
    expect(resolveWindowPolicy({ days: ['mon', 'sat'] }, true).weekdays).toEqual(new Set([1, 6]));
    expect(resolveWindowPolicy({ days: ['mon', 'sat'], skip_weekends: true }, true).weekdays).toEqual(new Set([1]));
  });
});

describe('windowStateAt, one zone', () => {
  // Monday 23 Nov 2026; New York is on EST (UTC-5).
  it('is closed one minute before the local start and says when it opens', () => {
    expect(windowStateAt(defaults, ['America/New_York'], utc('2026-11-23T13:59:00Z'))).toEqual({
      open: false,
      opensAt: utc('2026-11-23T14:00:00Z'),
    });
  });
  it('is open at the local start and closes at the local end', () => {
    expect(windowStateAt(defaults, ['America/New_York'], utc('2026-11-23T14:00:00Z'))).toEqual({
      open: true,
      closesAt: utc('2026-11-24T01:00:00Z'),
    });
  });
  it('is closed at the local end (exclusive) and opens the next morning', () => {
    expect(windowStateAt(defaults, ['America/New_York'], utc('2026-11-24T01:00:00Z'))).toEqual({
      open: false,
      opensAt: utc('2026-11-24T14:00:00Z'),
    });
  });
  it('handles a zone east of UTC across midnight UTC (Asia/Kolkata, UTC+5:30)', () => {
    // 02:00 UTC = 07:30 IST: opens 09:00 IST = 03:30 UTC.
    expect(windowStateAt(defaults, ['Asia/Kolkata'], utc('2026-11-23T02:00:00Z'))).toEqual({
      open: false,
      opensAt: utc('2026-11-23T03:30:00Z'),
    });
  });
  it('skips the weekend: Saturday noon waits for Monday 09:00', () => {
    const policy = resolveWindowPolicy({ skip_weekends: true }, true);
    // Saturday 21 Nov 2026, 12:00 in Berlin (UTC+1).
    expect(windowStateAt(policy, ['Europe/Berlin'], utc('2026-11-21T11:00:00Z'))).toEqual({
      open: false,
      opensAt: utc('2026-11-23T08:00:00Z'),
    });
  });
  it('a window to midnight (end_hour 24) followed by one from midnight is one stretch', () => {
    const policy = resolveWindowPolicy({ start_hour: 0, end_hour: 24 }, false);
    const state = windowStateAt(policy, ['UTC'], utc('2026-11-23T23:59:00Z'));
    expect(state.open).toBe(true);
    if (state.open) expect(state.closesAt.getTime()).toBeGreaterThan(utc('2026-11-30T00:00:00Z').getTime());
  });
  it('end_hour 24 closes at local midnight when the next day is not allowed', () => {
    const policy = resolveWindowPolicy({ start_hour: 18, end_hour: 24, days: ['mon'] }, false);
    expect(windowStateAt(policy, ['UTC'], utc('2026-11-23T20:00:00Z'))).toEqual({
      open: true,
      closesAt: utc('2026-11-24T00:00:00Z'),
    });
  });
  it('an empty window (guard leaves nothing) never opens', () => {
    const policy = resolveWindowPolicy({ start_hour: 22, end_hour: 24 }, true);
    expect(windowStateAt(policy, ['UTC'], utc('2026-11-23T12:00:00Z'))).toEqual({ open: false, opensAt: null });
  });
});

describe('windowStateAt across daylight-saving changes', () => {
  it('spring forward: a window starting at the missing 02:00 opens at 03:00 EDT', () => {
    // 8 Mar 2026, New York skips 02:00-03:00 local.
    const policy = resolveWindowPolicy({ start_hour: 2, end_hour: 5 }, false);
    expect(windowStateAt(policy, ['America/New_York'], utc('2026-03-08T05:00:00Z'))).toEqual({
      open: false,
      opensAt: utc('2026-03-08T07:00:00Z'),
    });
  });
  it('spring forward: 09:00 local is 13:00 UTC after the change, 14:00 UTC the day before', () => {
    expect(windowStateAt(defaults, ['America/New_York'], utc('2026-03-07T12:00:00Z'))).toEqual({
      open: false,
      opensAt: utc('2026-03-07T14:00:00Z'),
    });
    expect(windowStateAt(defaults, ['America/New_York'], utc('2026-03-08T12:00:00Z'))).toEqual({
      open: false,
      opensAt: utc('2026-03-08T13:00:00Z'),
    });
  });
  it('fall back: the window closes at 20:00 EST (01:00 UTC) on the day the clocks go back', () => {
    // 1 Nov 2026, New York goes from EDT to EST at 02:00 local.
    expect(windowStateAt(defaults, ['America/New_York'], utc('2026-11-01T14:00:00Z'))).toEqual({
      open: true,
      closesAt: utc('2026-11-02T01:00:00Z'),
    });
  });
  it('Europe: 09:00 in Berlin is 07:00 UTC in summer time and 08:00 UTC after the change on 25 Oct', () => {
    expect(nextCallableAt(defaults, ['Europe/Berlin'], utc('2026-10-24T05:00:00Z'))).toEqual(
      utc('2026-10-24T07:00:00Z'),
    );
    expect(nextCallableAt(defaults, ['Europe/Berlin'], utc('2026-10-25T05:00:00Z'))).toEqual(
      utc('2026-10-25T08:00:00Z'),
    );
  });
});

describe('windowStateAt, numbers in several zones', () => {
  it('is open only while every zone is open (New York and Los Angeles: 12:00-20:00 Eastern)', () => {
    const zones = ['America/New_York', 'America/Los_Angeles'];
    expect(windowStateAt(defaults, zones, utc('2026-11-23T15:00:00Z'))).toEqual({
      open: false,
      opensAt: utc('2026-11-23T17:00:00Z'),
    });
    expect(windowStateAt(defaults, zones, utc('2026-11-23T17:00:00Z'))).toEqual({
      open: true,
      closesAt: utc('2026-11-24T01:00:00Z'),
    });
  });
  it('never opens when the zones never share an open hour', () => {
    const mondaysOnly = resolveWindowPolicy({ days: ['mon'] }, true);
    expect(
      windowStateAt(mondaysOnly, ['Pacific/Kiritimati', 'Pacific/Pago_Pago'], utc('2026-11-23T12:00:00Z')),
    ).toEqual({ open: false, opensAt: null });
  });
});

describe('interval helpers', () => {
  it('intersects sorted lists', () => {
    expect(
      intersectIntervals(
        [
          { start: 0, end: 10 },
          { start: 20, end: 30 },
        ],
        [{ start: 5, end: 25 }],
      ),
    ).toEqual([
      { start: 5, end: 10 },
      { start: 20, end: 25 },
    ]);
  });
  it('lists one interval per allowed local day', () => {
    const days = zoneOpenIntervals(
      defaults,
      'UTC',
      utc('2026-11-23T00:00:00Z').getTime(),
      utc('2026-11-25T23:00:00Z').getTime(),
    );
    expect(days.map((d) => new Date(d.start).toISOString())).toEqual([
      '2026-11-23T09:00:00.000Z',
      '2026-11-24T09:00:00.000Z',
      '2026-11-25T09:00:00.000Z',
    ]);
  });
});

describe('windowStateSpanAt in a zone whose DST change is at midnight (regression found by the property test)', () => {
  it('America/Havana, 00-24 every day, asked 9 days before the spring-forward midnight: the span is exact to its last instant', () => {
    const policy = { startHour: 0, endHour: 24, weekdays: new Set([1, 2, 3, 4, 5, 6, 7]) };
    const at = new Date(1740801600001); // 2025-03-01T04:00:00.001Z, 9 days before 2025-03-09 00:00 local (no such hour)
    const { state, validUntil } = windowStateSpanAt(policy, ['America/Havana'], at);
    expect(state.open).toBe(true);
    expect(validUntil).toBeGreaterThan(at.getTime());
    expect(windowStateAt(policy, ['America/Havana'], new Date(validUntil - 1))).toEqual(state);
  });
});
