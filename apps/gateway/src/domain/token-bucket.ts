/** What the rate limit says of one request: allowed with whole tokens left, or refused with a wait (ms). */
export type RateLimitVerdict = { allowed: true; remaining: number } | { allowed: false; retryAfterMs: number };

/**
 * The API rate limit's rule (SPEC §9, GATEWAY_RATE_LIMIT_PER_SECOND / GATEWAY_RATE_LIMIT_BURST): a
 * token bucket per API token, `burst` capacity, refilled at `ratePerSecond`. The bucket itself lives
 * in PostgreSQL (`RateLimitBucketsRepository.takeMany`: one statement per request, or per group
 * of one token's requests that arrive together) so every gateway replica spends from the same one; this class holds the numbers and turns the stored outcome into
 * the answer's figures.
 */
export class RateLimitPolicy {
  constructor(
    readonly ratePerSecond: number,
    readonly burst: number,
  ) {
    if (!(ratePerSecond > 0)) throw new Error(`rate limit: ratePerSecond must be > 0 (got ${ratePerSecond})`);
    if (!Number.isInteger(burst) || burst < 1)
      throw new Error(`rate limit: burst must be a whole number >= 1 (got ${burst})`);
  }

  /**
   * The verdict for a bucket left with `tokens` (fractional) after a take that was `allowed` or
   * not: the whole tokens remaining, or how long (ms) until one whole token is back.
   */
  verdict(allowed: boolean, tokens: number): RateLimitVerdict {
    if (allowed) return { allowed: true, remaining: Math.max(0, Math.floor(tokens)) };
    return { allowed: false, retryAfterMs: Math.max(1, Math.ceil(((1 - tokens) / this.ratePerSecond) * 1000)) };
  }

  /**
   * The verdicts of `count` requests (in arrival order) that took their tokens in ONE statement
   * that granted `granted` of them (0 <= granted <= count) and left the bucket with `tokens`: the
   * first `granted` are allowed, each with the whole tokens remaining as if they had been taken one
   * after the other (the last one allowed sees `tokens`); the rest are refused, each with the wait
   * until one whole token is back. For count 1 this is `verdict(granted === 1, tokens)`.
   *
   * @throws Error when granted is not a whole number between 0 and count
   */
  share(count: number, granted: number, tokens: number): RateLimitVerdict[] {
    if (!Number.isInteger(granted) || granted < 0 || granted > count)
      throw new Error(`rate limit: ${granted} tokens granted to ${count} requests`);
    return Array.from({ length: count }, (_, i) =>
      i < granted ? this.verdict(true, tokens + (granted - 1 - i)) : this.verdict(false, tokens),
    );
  }

  /** After this long (ms) without a request a bucket is full again: it behaves like no bucket and may be dropped. */
  get fullAfterMs(): number {
    return Math.ceil((this.burst / this.ratePerSecond) * 1000);
  }
}

/**
 * The bucket arithmetic of `RateLimitBucketsRepository.takeMany` for one token, in memory: takes
 * one token from `state` (undefined: a new, full bucket) at `nowMs`. Returns the new state and
 * whether the take was allowed. The SQL statement is the same formula (`takeTokens` for several);
 * this is its executable statement for tests.
 */
export function takeToken(
  policy: RateLimitPolicy,
  state: { tokens: number; atMs: number } | undefined,
  nowMs: number,
): { tokens: number; atMs: number; allowed: boolean } {
  if (!state) return { tokens: policy.burst - 1, atMs: nowMs, allowed: true };
  const refilled = Math.min(
    policy.burst,
    state.tokens + (Math.max(0, nowMs - state.atMs) * policy.ratePerSecond) / 1000,
  );
  const allowed = refilled >= 1;
  return { tokens: allowed ? refilled - 1 : refilled, atMs: Math.max(state.atMs, nowMs), allowed };
}

/**
 * `takeToken` for `count` requests at once (the formula of `RateLimitBucketsRepository.takeMany`):
 * grants min(count, whole tokens after the refill) and leaves the rest. Taking n at once leaves the
 * bucket exactly as n single takes at the same instant would.
 */
export function takeTokens(
  policy: RateLimitPolicy,
  state: { tokens: number; atMs: number } | undefined,
  nowMs: number,
  count: number,
): { tokens: number; atMs: number; granted: number } {
  if (!state) {
    const granted = Math.min(count, policy.burst);
    return { tokens: policy.burst - granted, atMs: nowMs, granted };
  }
  const refilled = Math.min(
    policy.burst,
    state.tokens + (Math.max(0, nowMs - state.atMs) * policy.ratePerSecond) / 1000,
  );
  const granted = Math.min(count, Math.floor(refilled));
  return { tokens: refilled - granted, atMs: Math.max(state.atMs, nowMs), granted };
}
