import { WEEKDAYS } from '@outdial/contracts';
import fc from 'fast-check';

import { resolveWindowPolicy, WindowPolicy, windowStateAt, windowStateSpanAt } from '../domain/calling-window';
import { zonesOfKey } from '../domain/contact-zone';
import { CallingWindowCache } from './calling-window-cache';

const HOUR = 3600_000;
const DAY = 24 * HOUR;

/** Zones with DST (both hemispheres, 30-minute DST, DST at midnight, negative DST) and without. */
const ZONES = [
  'America/St_Johns',
  'America/Los_Angeles',
  'America/New_York',
  'America/Santiago',
  'America/Havana',
  'Europe/Berlin',
  'Europe/London',
  'Europe/Dublin',
  'Australia/Lord_Howe',
  'Australia/Sydney',
  'Pacific/Chatham',
  'Asia/Beirut',
  'Asia/Tokyo',
  'Asia/Kolkata',
  'Asia/Kathmandu',
  'Africa/Casablanca',
  'UTC',
];

/** 2025-01-01 .. 2028-01-01: several DST changes of every zone above. */
const FROM = Date.UTC(2025, 0, 1);
const TO = Date.UTC(2028, 0, 1);

const policyArb: fc.Arbitrary<WindowPolicy> = fc
  .record({
    start: fc.integer({ min: 0, max: 24 }),
    end: fc.integer({ min: 0, max: 24 }),
    days: fc.subarray([...WEEKDAYS]),
    skip: fc.boolean(),
    guard: fc.boolean(),
  })
  .map(({ start, end, days, skip, guard }) =>
    resolveWindowPolicy(
      { start_hour: Math.min(start, 23), end_hour: Math.max(end, 1), days, skip_weekends: skip },
      guard,
    ),
  );

const zoneKeyArb = fc
  .uniqueArray(fc.constantFrom(...ZONES), { minLength: 1, maxLength: 3 })
  .map((zones) => [...zones].sort().join('&'));

/** One query: the clock moves on by `step`, then either the present or a future instant is asked about. */
const queryArb = fc.record({
  step: fc.oneof(
    fc.integer({ min: 0, max: 2000 }),
    fc.integer({ min: 0, max: 2 * HOUR }),
    fc.integer({ min: 0, max: 3 * DAY }),
  ),
  future: fc.option(fc.oneof(fc.constantFrom(60_000, 7200_000, 86_400_000), fc.integer({ min: 1, max: 12 * DAY })), {
    nil: undefined,
  }),
});

describe('CallingWindowCache (issue 12 §1: a cached answer is valid only for the instant asked about)', () => {
  it('property: for random policies, zones (DST ones included) and present/future query sequences, every cached answer equals a fresh computation', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ policy: policyArb, zoneKey: zoneKeyArb }), { minLength: 1, maxLength: 3 }),
        fc.integer({ min: FROM, max: TO }),
        fc.array(fc.record({ which: fc.nat(), query: queryArb }), { minLength: 1, maxLength: 40 }),
        (keys, start, queries) => {
          const windows = new CallingWindowCache();
          let now = start;
          for (const { which, query } of queries) {
            now += query.step;
            const { policy, zoneKey } = keys[which % keys.length];
            const at = new Date(now + (query.future ?? 0));
            const cached = windows.stateFor(policy, zoneKey, at);
            expect(cached).toEqual(windowStateAt(policy, zonesOfKey(zoneKey), at));
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('property: windowStateSpanAt is exact at random instants inside the span it claims (and right before its end)', () => {
    fc.assert(
      fc.property(
        policyArb,
        zoneKeyArb,
        fc.integer({ min: FROM, max: TO }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (policy, zoneKey, at, fraction) => {
          const zones = zonesOfKey(zoneKey);
          const { state, validUntil } = windowStateSpanAt(policy, zones, new Date(at));
          expect(validUntil).toBeGreaterThan(at);
          const inside = Math.min(validUntil - 1, at + Math.floor(fraction * Math.min(validUntil - at, 20 * DAY)));
          expect(windowStateAt(policy, zones, new Date(inside))).toEqual(state);
          expect(windowStateAt(policy, zones, new Date(validUntil - 1))).toEqual(state);
        },
      ),
      { numRuns: 500 },
    );
  });

  // The first instance of issue 12 §1, with its exact inputs.
  it('St_Johns 08:00-16:00: a retry planned a day ahead while open does not make 16:03 local look open', () => {
    const windows = new CallingWindowCache();
    const policy = resolveWindowPolicy({ start_hour: 8, end_hour: 16 }, true);
    // Mon 23 Nov 2026, Newfoundland standard time (UTC-3:30): 15:30 local = 19:00Z.
    const whileOpen = new Date('2026-11-23T19:00:00Z');
    expect(windows.stateFor(policy, 'America/St_Johns', whileOpen)).toEqual({
      open: true,
      closesAt: new Date('2026-11-23T19:30:00Z'),
    });
    // busy, retry in 86400 s: the retry planner asks about tomorrow 15:30 local.
    expect(windows.nextCallable(policy, 'America/St_Johns', new Date(whileOpen.getTime() + 86_400_000))).toEqual(
      new Date('2026-11-24T19:00:00Z'),
    );
    // 16:03 local today: closed until tomorrow 08:00 local.
    const after = new Date('2026-11-23T19:33:00Z');
    expect(windows.stateFor(policy, 'America/St_Johns', after)).toEqual({
      open: false,
      opensAt: new Date('2026-11-24T11:30:00Z'),
    });
  });

  // The other direction of issue 12 §1, with its exact inputs.
  it('Los_Angeles 08:00-13:00 at 11:01: a retry planned into the closed hours does not make the open present look closed', () => {
    const windows = new CallingWindowCache();
    const policy = resolveWindowPolicy({ start_hour: 8, end_hour: 13 }, true);
    // Mon 23 Nov 2026, PST (UTC-8): 11:01 local = 19:01Z.
    const now = new Date('2026-11-23T19:01:00Z');
    // busy, retry in 7200 s: 13:01 local is closed, so the retry lands tomorrow 08:00 local.
    expect(windows.nextCallable(policy, 'America/Los_Angeles', new Date(now.getTime() + 7_200_000))).toEqual(
      new Date('2026-11-24T16:00:00Z'),
    );
    expect(windows.stateFor(policy, 'America/Los_Angeles', new Date(now.getTime() + 5_000))).toEqual({
      open: true,
      closesAt: new Date('2026-11-23T21:00:00Z'),
    });
  });

  it('no window at all (bypass_call_guardrails) is always open', () => {
    expect(new CallingWindowCache().stateFor(null, 'Asia/Tokyo', new Date('2026-11-23T19:01:00Z')).open).toBe(true);
  });
});
