import { TokenBuckets } from './token-bucket';

describe('TokenBuckets', () => {
  it('allows a burst, then refuses with the time until the next token', () => {
    const buckets = new TokenBuckets(2, 3);
    expect([1, 2, 3].map(() => buckets.take('a', 0).allowed)).toEqual([true, true, true]);
    const refused = buckets.take('a', 0);
    expect(refused).toEqual({ allowed: false, retryAfterMs: 500 });
    // Half a second later one token is back, and only one.
    expect(buckets.take('a', 500).allowed).toBe(true);
    expect(buckets.take('a', 500).allowed).toBe(false);
  });

  it('keeps keys apart and never refills above the burst', () => {
    const buckets = new TokenBuckets(1, 2);
    buckets.take('a', 0);
    buckets.take('a', 0);
    expect(buckets.take('a', 0).allowed).toBe(false);
    expect(buckets.take('b', 0)).toEqual({ allowed: true, remaining: 1 });
    expect(buckets.take('b', 60_000)).toEqual({ allowed: true, remaining: 1 });
  });

  it('forgets full buckets when it holds too many keys', () => {
    const buckets = new TokenBuckets(10, 1, 2);
    buckets.take('a', 0);
    buckets.take('b', 0);
    buckets.take('c', 1000);
    expect(buckets.size).toBe(1);
  });
});
