/**
 * The API rate limit's rule (SPEC §9, GATEWAY_RATE_LIMIT_PER_SECOND / GATEWAY_RATE_LIMIT_BURST): a
 * token bucket per API token, `burst` capacity, refilled at `ratePerSecond`. The bucket itself lives
 * in PostgreSQL (`RateLimitBucketsRepository.take`, one statement per request) so every gateway
 * replica spends from the same one; this class holds the numbers and turns the stored outcome into
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
  verdict(
    allowed: boolean,
    tokens: number,
  ): { allowed: true; remaining: number } | { allowed: false; retryAfterMs: number } {
    if (allowed) return { allowed: true, remaining: Math.max(0, Math.floor(tokens)) };
    return { allowed: false, retryAfterMs: Math.max(1, Math.ceil(((1 - tokens) / this.ratePerSecond) * 1000)) };
  }

  /** After this long (ms) without a request a bucket is full again: it behaves like no bucket and may be dropped. */
  get fullAfterMs(): number {
    return Math.ceil((this.burst / this.ratePerSecond) * 1000);
  }
}

/**
 * The bucket arithmetic of `RateLimitBucketsRepository.take`, in memory: takes one token from
 * `state` (undefined: a new, full bucket) at `nowMs`. Returns the new state and whether the take
 * was allowed. The SQL statement is the same formula; this is its executable statement for tests.
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
