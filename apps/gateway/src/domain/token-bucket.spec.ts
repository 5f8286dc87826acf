import { RateLimitPolicy, takeToken, takeTokens } from './token-bucket';

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

  it('takes n tokens at once exactly as n single takes at that instant would', () => {
    const policy = new RateLimitPolicy(3, 5);
    for (const start of [undefined, { tokens: 0.4, atMs: 0 }, { tokens: 2.5, atMs: 100 }, { tokens: 5, atMs: 0 }]) {
      for (const count of [1, 2, 4, 9]) {
        let one: { tokens: number; atMs: number } | undefined = start;
        let allowed = 0;
        for (let i = 0; i < count; i++) {
          const next = takeToken(policy, one, 400);
          if (next.allowed) allowed++;
          one = next;
        }
        const many = takeTokens(policy, start, 400, count);
        expect(many.granted).toBe(allowed);
        expect(many.tokens).toBeCloseTo(one!.tokens, 9);
        expect(many.atMs).toBe(one!.atMs);
      }
    }
  });

  it('shares one grant among the requests in arrival order, with what each would have seen alone', () => {
    const policy = new RateLimitPolicy(2, 10);
    // 5 requests, 3 granted, 0.5 left: the 1st saw 2.5 left (2 whole), the 3rd 0.5 (0 whole).
    expect(policy.share(5, 3, 0.5)).toEqual([
      { allowed: true, remaining: 2 },
      { allowed: true, remaining: 1 },
      { allowed: true, remaining: 0 },
      { allowed: false, retryAfterMs: 250 },
      { allowed: false, retryAfterMs: 250 },
    ]);
    expect(policy.share(1, 1, 4.2)).toEqual([policy.verdict(true, 4.2)]);
    expect(policy.share(1, 0, 0.2)).toEqual([policy.verdict(false, 0.2)]);
    expect(() => policy.share(2, 3, 0)).toThrow(/3 tokens granted to 2 requests/);
    expect(() => policy.share(2, 1.5, 0)).toThrow();
  });
});
