import { bucketSize, refillBucket, takeToken, TokenBucketState } from './org-token-bucket';

describe('org token bucket', () => {
  it('holds one second of tokens, never less than one', () => {
    expect(bucketSize(1)).toBe(1);
    expect(bucketSize(0.2)).toBe(1);
    expect(bucketSize(10)).toBe(10);
  });

  it('refills at calls_per_second up to the bucket size, and never backwards in time', () => {
    const state = { tokens: 0, refilledAtMs: 1000 };
    expect(refillBucket(state, 2, 1250)).toEqual({ tokens: 0.5, refilledAtMs: 1250 });
    expect(refillBucket(state, 2, 60_000)).toEqual({ tokens: 2, refilledAtMs: 60_000 });
    // A replica whose clock is behind adds nothing and does not move the refill time back.
    expect(refillBucket(state, 2, 500)).toEqual({ tokens: 0, refilledAtMs: 1000 });
  });

  it('grants a token when one is there and says how long to wait otherwise', () => {
    const full = { tokens: 1, refilledAtMs: 0 };
    const first = takeToken(full, 1, 0);
    expect(first).toEqual({ granted: true, state: { tokens: 0, refilledAtMs: 0 } });
    const second = takeToken(first.state, 1, 400);
    expect(second).toEqual({ granted: false, state: { tokens: 0.4, refilledAtMs: 400 }, waitMs: 600 });
    expect(takeToken(second.state, 1, 1000).granted).toBe(true);
  });

  it('never starts more than size + rate * T calls in any interval T', () => {
    for (const rate of [0.5, 1, 3, 7.5]) {
      let state: TokenBucketState = { tokens: bucketSize(rate), refilledAtMs: 0 };
      const starts: number[] = [];
      // Someone asks every 7 ms for 20 s.
      for (let now = 0; now <= 20_000; now += 7) {
        const result = takeToken(state, rate, now);
        state = result.state;
        if (result.granted) starts.push(now);
      }
      for (let i = 0; i < starts.length; i++) {
        for (let j = i; j < starts.length; j++) {
          const windowSeconds = (starts[j] - starts[i]) / 1000;
          expect(j - i + 1).toBeLessThanOrEqual(bucketSize(rate) + rate * windowSeconds + 1e-6);
        }
      }
      // ...and it is not stingy: close to the rate over the run.
      expect(starts.length).toBeGreaterThanOrEqual(Math.floor(rate * 20) - 1);
    }
  });
});
