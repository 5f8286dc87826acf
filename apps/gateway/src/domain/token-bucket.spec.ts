import { RateLimitPolicy, takeToken } from './token-bucket';

describe('RateLimitPolicy and takeToken', () => {
  it('allows a burst, then refuses with the time until the next token', () => {
    const policy = new RateLimitPolicy(2, 3);
    let state: { tokens: number; atMs: number } | undefined;
    const allowed: boolean[] = [];
    for (let i = 0; i < 4; i++) {
      const next = takeToken(policy, state, 0);
      allowed.push(next.allowed);
      state = next;
    }
    expect(allowed).toEqual([true, true, true, false]);
    expect(policy.verdict(false, state!.tokens)).toEqual({ allowed: false, retryAfterMs: 500 });
    // Half a second later one token is back, and only one.
    const a = takeToken(policy, state, 500);
    expect(a.allowed).toBe(true);
    expect(takeToken(policy, a, 500).allowed).toBe(false);
  });

  it('never refills above the burst, and reports whole tokens remaining', () => {
    const policy = new RateLimitPolicy(1, 2);
    const later = takeToken(policy, { tokens: 0, atMs: 0 }, 60_000);
    expect(later).toEqual({ tokens: 1, atMs: 60_000, allowed: true });
    expect(policy.verdict(true, 1.7)).toEqual({ allowed: true, remaining: 1 });
    expect(policy.fullAfterMs).toBe(2000);
  });

  it('does not go back in time when a clock is behind', () => {
    const policy = new RateLimitPolicy(1, 2);
    expect(takeToken(policy, { tokens: 1, atMs: 1000 }, 500)).toEqual({ tokens: 0, atMs: 1000, allowed: true });
  });

  it('refuses nonsense settings', () => {
    expect(() => new RateLimitPolicy(0, 1)).toThrow();
    expect(() => new RateLimitPolicy(1, 0)).toThrow();
  });
});
