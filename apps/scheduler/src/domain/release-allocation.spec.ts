import fc from 'fast-check';

import { allocateReleases, fairnessOrder, ReleaseCandidate, usableNow } from './release-allocation';

const now = new Date('2026-11-23T12:00:00Z');
const batch = (id: string, over: Partial<ReleaseCandidate> = {}): ReleaseCandidate => ({
  batch_id: id,
  org_id: 'org',
  capacity: 5,
  callable: 1000,
  priority: 0,
  last_release_at: null,
  delay_between_calls_seconds: 0,
  ...over,
});

describe('allocateReleases', () => {
  it('gives a lone batch up to its capacity within the org headroom', () => {
    expect(allocateReleases([batch('a')], new Map([['org', 10]]), now)).toEqual(new Map([['a', 5]]));
    expect(allocateReleases([batch('a')], new Map([['org', 3]]), now)).toEqual(new Map([['a', 3]]));
  });
  it('shares the org limit between two batches (org limit 5, two batches of 5)', () => {
    const result = allocateReleases([batch('a'), batch('b')], new Map([['org', 5]]), now);
    expect((result.get('a') ?? 0) + (result.get('b') ?? 0)).toBe(5);
    expect(Math.abs((result.get('a') ?? 0) - (result.get('b') ?? 0))).toBe(1);
  });
  it('serves the batch released longest ago first', () => {
    const result = allocateReleases(
      [
        batch('recent', { last_release_at: new Date('2026-11-23T11:59:59Z') }),
        batch('old', { last_release_at: new Date('2026-11-23T11:00:00Z') }),
      ],
      new Map([['org', 1]]),
      now,
    );
    expect(result).toEqual(new Map([['old', 1]]));
  });
  it('serves a higher-priority batch first', () => {
    const result = allocateReleases([batch('low'), batch('high', { priority: 5 })], new Map([['org', 1]]), now);
    expect(result).toEqual(new Map([['high', 1]]));
  });
  it('gives nothing when the org is at its limit, or the batch is full', () => {
    expect(allocateReleases([batch('a')], new Map([['org', 0]]), now)).toEqual(new Map());
    expect(allocateReleases([batch('a', { capacity: 0 })], new Map([['org', 5]]), now)).toEqual(new Map());
    expect(allocateReleases([batch('a')], new Map(), now)).toEqual(new Map());
  });
  it('keeps orgs apart', () => {
    const result = allocateReleases(
      [batch('a'), batch('b', { org_id: 'other' })],
      new Map([
        ['org', 2],
        ['other', 1],
      ]),
      now,
    );
    expect(result).toEqual(
      new Map([
        ['a', 2],
        ['b', 1],
      ]),
    );
  });
  it('spaces call starts: one per delay_between_calls_seconds', () => {
    const spaced = { delay_between_calls_seconds: 10 };
    expect(allocateReleases([batch('a', spaced)], new Map([['org', 5]]), now)).toEqual(new Map([['a', 1]]));
    expect(
      allocateReleases(
        [batch('a', { ...spaced, last_release_at: new Date('2026-11-23T11:59:51Z') })],
        new Map([['org', 5]]),
        now,
      ),
    ).toEqual(new Map());
    expect(
      allocateReleases(
        [batch('a', { ...spaced, last_release_at: new Date('2026-11-23T11:59:50Z') })],
        new Map([['org', 5]]),
        now,
      ),
    ).toEqual(new Map([['a', 1]]));
  });

  // Issue 12 §2, exact inputs: org max_concurrent_calls 1; P priority 10 whose only contact is in
  // a closed zone (Asia/Tokyo at night: nothing callable); Q bypass_call_guardrails, one contact.
  it('gives the free org slot to Q when P (priority 10) has nothing it may call now', () => {
    const p = batch('P', { priority: 10, callable: 0 });
    const q = batch('Q', { callable: 1 });
    expect(allocateReleases([p, q], new Map([['org', 1]]), now)).toEqual(new Map([['Q', 1]]));
  });
  it('five idle batches with nothing callable do not starve a sixth (the default org limit of 5)', () => {
    const idle = ['a', 'b', 'c', 'd', 'e'].map((id) => batch(id, { callable: 0 }));
    const busy = batch('z', { last_release_at: new Date('2026-11-23T11:59:59Z'), callable: 3 });
    expect(allocateReleases([...idle, busy], new Map([['org', 5]]), now)).toEqual(new Map([['z', 3]]));
  });
  it('a slot a batch cannot use goes to the next in line: callable 1 and 10 share 5 as 1 and 4', () => {
    expect(
      allocateReleases([batch('a', { callable: 1 }), batch('b', { callable: 10 })], new Map([['org', 5]]), now),
    ).toEqual(
      new Map([
        ['a', 1],
        ['b', 4],
      ]),
    );
  });
});

describe('allocateReleases, property (issue 12 §2)', () => {
  const candidateArb = fc.record({
    org_id: fc.constantFrom('o1', 'o2', 'o3'),
    capacity: fc.integer({ min: -2, max: 12 }),
    callable: fc.integer({ min: 0, max: 15 }),
    priority: fc.integer({ min: -2, max: 3 }),
    last_release_at: fc.option(
      fc.integer({ min: -120, max: 0 }).map((s) => new Date(now.getTime() + s * 1000)),
      { nil: null },
    ),
    delay_between_calls_seconds: fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 1, max: 60 })),
  });
  const setArb = fc.record({
    batches: fc
      .array(candidateArb, { maxLength: 12 })
      .map((list) => list.map((b, i): ReleaseCandidate => ({ ...b, batch_id: `b${String(i).padStart(2, '0')}` }))),
    headroom: fc.record({
      o1: fc.integer({ min: -3, max: 20 }),
      o2: fc.integer({ min: -3, max: 20 }),
      o3: fc.integer({ min: -3, max: 20 }),
    }),
  });

  it('every pass fills min(free slots, what the batches can use) per org, never gives a batch more than it can use, and keeps the fairness order', () => {
    fc.assert(
      fc.property(setArb, ({ batches, headroom }) => {
        const free = new Map(Object.entries(headroom));
        const allocation = allocateReleases(batches, free, now);
        for (const [id, given] of allocation) {
          expect(given).toBeGreaterThan(0);
          expect(batches.find((b) => b.batch_id === id)).toBeDefined();
        }
        for (const org of ['o1', 'o2', 'o3']) {
          const mine = batches.filter((b) => b.org_id === org).sort(fairnessOrder);
          const given = mine.map((b) => allocation.get(b.batch_id) ?? 0);
          const usable = mine.map((b) => usableNow(b, now));
          // Never more than a batch can use: its capacity, its callable contacts, its spacing.
          given.forEach((g, i) => {
            expect(g).toBeLessThanOrEqual(usable[i]);
            expect(g).toBeLessThanOrEqual(Math.max(0, mine[i].callable));
            expect(g).toBeLessThanOrEqual(Math.max(0, mine[i].capacity));
          });
          // No slot stays idle while a batch could use one.
          const total = given.reduce((a, b) => a + b, 0);
          expect(total).toBe(
            Math.min(
              Math.max(0, free.get(org) ?? 0),
              usable.reduce((a, b) => a + b, 0),
            ),
          );
          // Round-robin in fairness order: an earlier batch has at least as many as a later one
          // unless it is saturated, and at most one more.
          for (let i = 0; i < mine.length; i++) {
            for (let j = i + 1; j < mine.length; j++) {
              expect(given[i]).toBeGreaterThanOrEqual(Math.min(usable[i], given[j]));
              expect(given[j]).toBeGreaterThanOrEqual(Math.min(usable[j], given[i] - 1));
            }
          }
        }
      }),
      { numRuns: 1000 },
    );
  });
});
