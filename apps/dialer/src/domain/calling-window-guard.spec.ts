import fc from 'fast-check';

// The scheduler's window computation, for a cross-check only: the dialer's guard is an independent
// implementation of the same rule, and the two must agree at every instant.
import { WindowPolicy, windowStateAt } from '../../../scheduler/src/domain/calling-window';
import { callingWindowOpenAt, CallingWindowRule } from './calling-window-guard';

const ALL_DAYS = [1, 2, 3, 4, 5, 6, 7];
const rule = (start_hour: number, end_hour: number, zones: string[], weekdays = ALL_DAYS): CallingWindowRule => ({
  start_hour,
  end_hour,
  weekdays,
  zones,
});
const at = (iso: string) => new Date(iso);

describe('callingWindowOpenAt (the dialer re-checks the window right before dialing, SPEC §3)', () => {
  // Issue 12 §1, exact inputs: window 08:00-16:00 America/St_Johns (UTC-3:30 in November).
  it('St_Johns 08:00-16:00 is closed at 16:03:57 local, open at 15:59 and at 08:00', () => {
    const stJohns = rule(8, 16, ['America/St_Johns']);
    expect(callingWindowOpenAt(stJohns, at('2026-11-23T19:33:57Z'))).toBe(false);
    expect(callingWindowOpenAt(stJohns, at('2026-11-23T19:29:00Z'))).toBe(true);
    expect(callingWindowOpenAt(stJohns, at('2026-11-23T11:30:00Z'))).toBe(true);
    expect(callingWindowOpenAt(stJohns, at('2026-11-23T11:29:59Z'))).toBe(false);
  });
  it('Los_Angeles 08:00-13:00 is open at 11:01 local and closed at 13:01', () => {
    const la = rule(8, 13, ['America/Los_Angeles']);
    expect(callingWindowOpenAt(la, at('2026-11-23T19:01:00Z'))).toBe(true);
    expect(callingWindowOpenAt(la, at('2026-11-23T21:01:00Z'))).toBe(false);
  });
  it('Asia/Tokyo at night is closed under the default 09:00-20:00', () => {
    expect(callingWindowOpenAt(rule(9, 20, ['Asia/Tokyo']), at('2026-11-23T15:00:00Z'))).toBe(false);
  });
  it('a number in several zones is callable only while all of them are open', () => {
    const both = rule(9, 20, ['America/New_York', 'America/Los_Angeles']);
    expect(callingWindowOpenAt(both, at('2026-11-23T15:00:00Z'))).toBe(false); // 10:00 NY, 07:00 LA
    expect(callingWindowOpenAt(both, at('2026-11-23T18:00:00Z'))).toBe(true); // 13:00 NY, 10:00 LA
  });
  it('honours the weekdays in local time', () => {
    // Mon 23 Nov 2026 01:00Z is Sunday 22 Nov 20:00 in New York.
    expect(callingWindowOpenAt(rule(9, 21, ['America/New_York'], [1, 2, 3, 4, 5]), at('2026-11-23T01:00:00Z'))).toBe(
      false,
    );
    expect(callingWindowOpenAt(rule(9, 21, ['America/New_York'], [7]), at('2026-11-23T01:00:00Z'))).toBe(true);
  });
  it('end_hour 24 runs to midnight', () => {
    expect(callingWindowOpenAt(rule(20, 24, ['UTC']), at('2026-11-23T23:59:59Z'))).toBe(true);
    expect(callingWindowOpenAt(rule(20, 24, ['UTC']), at('2026-11-24T00:00:00Z'))).toBe(false);
  });
  it('is closed when in doubt: unknown zone, no zones, no weekdays, empty window', () => {
    const noon = at('2026-11-23T12:00:00Z');
    expect(callingWindowOpenAt(rule(0, 24, ['Mars/Olympus_Mons']), noon)).toBe(false);
    expect(callingWindowOpenAt(rule(0, 24, []), noon)).toBe(false);
    expect(callingWindowOpenAt(rule(0, 24, ['UTC'], []), noon)).toBe(false);
    expect(callingWindowOpenAt(rule(12, 12, ['UTC']), noon)).toBe(false);
  });
  it('DST: Berlin spring forward (02:00 -> 03:00) with a window starting at 02:00 opens when the clock jumps', () => {
    const w = rule(2, 5, ['Europe/Berlin']);
    expect(callingWindowOpenAt(w, at('2026-03-29T00:59:59Z'))).toBe(false); // 01:59:59 CET
    expect(callingWindowOpenAt(w, at('2026-03-29T01:00:00Z'))).toBe(true); // 03:00 CEST
  });

  const ZONES = [
    'America/St_Johns',
    'America/Los_Angeles',
    'America/Santiago',
    'Europe/Berlin',
    'Australia/Lord_Howe',
    'Pacific/Chatham',
    'Asia/Beirut',
    'Asia/Tokyo',
    'Asia/Kathmandu',
    'Africa/Casablanca',
    'America/Havana',
    'UTC',
  ];
  it('property: agrees with the scheduler at every instant, for random windows, weekdays and zones (DST ones included)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 23 }),
        fc.integer({ min: 1, max: 24 }),
        fc.subarray(ALL_DAYS),
        fc.uniqueArray(fc.constantFrom(...ZONES), { minLength: 1, maxLength: 3 }),
        fc.oneof(
          fc.integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2028, 0, 1) }),
          // Around DST changes (of the zones above) and on the hour, where mistakes hide.
          fc
            .constantFrom(
              Date.UTC(2026, 2, 29, 1),
              Date.UTC(2026, 9, 25, 1),
              Date.UTC(2026, 3, 5, 3),
              Date.UTC(2026, 8, 6, 4),
              Date.UTC(2026, 2, 8, 10),
              Date.UTC(2026, 10, 1, 9),
              Date.UTC(2026, 3, 4, 15),
              Date.UTC(2026, 2, 29, 0),
            )
            .chain((base) => fc.integer({ min: -3 * 3600_000, max: 3 * 3600_000 }).map((d) => base + d - (d % 60_000))),
        ),
        (start, end, weekdays, zones, instant) => {
          const policy: WindowPolicy = { startHour: start, endHour: end, weekdays: new Set(weekdays) };
          const expected = windowStateAt(policy, zones, new Date(instant)).open;
          expect(callingWindowOpenAt(rule(start, end, zones, weekdays), new Date(instant))).toBe(expected);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
