import { allocateReleases, ReleaseCandidate } from './release-allocation';

const now = new Date('2026-11-23T12:00:00Z');
const batch = (id: string, over: Partial<ReleaseCandidate> = {}): ReleaseCandidate => ({
  batch_id: id,
  org_id: 'org',
  capacity: 5,
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
      [batch('recent', { last_release_at: new Date('2026-11-23T11:59:59Z') }), batch('old', { last_release_at: new Date('2026-11-23T11:00:00Z') })],
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
    const result = allocateReleases([batch('a'), batch('b', { org_id: 'other' })], new Map([['org', 2], ['other', 1]]), now);
    expect(result).toEqual(new Map([['a', 2], ['b', 1]]));
  });
  it('spaces call starts: one per delay_between_calls_seconds', () => {
    const spaced = { delay_between_calls_seconds: 10 };
    expect(allocateReleases([batch('a', spaced)], new Map([['org', 5]]), now)).toEqual(new Map([['a', 1]]));
    expect(allocateReleases([batch('a', { ...spaced, last_release_at: new Date('2026-11-23T11:59:51Z') })], new Map([['org', 5]]), now)).toEqual(new Map());
    expect(allocateReleases([batch('a', { ...spaced, last_release_at: new Date('2026-11-23T11:59:50Z') })], new Map([['org', 5]]), now)).toEqual(new Map([['a', 1]]));
  });
});
