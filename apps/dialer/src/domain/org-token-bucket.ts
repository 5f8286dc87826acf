/**
 * The org's call-start rate limit as a token bucket (SPEC §6). Its state lives in one PostgreSQL
 * row that every dialer replica updates under a row lock, so the bucket is shared by all of them.
 *
 * Bucket size (the largest burst) = max(1, calls_per_second): at most one second's worth of call
 * starts at once, and never less than one call. So over ANY interval of length T the org starts at
 * most `bucketSize + calls_per_second * T` calls; with calls_per_second <= 1 starts are at least
 * 1 / calls_per_second apart once the first token is spent.
 */
export interface TokenBucketState {
  tokens: number;
  refilledAtMs: number;
}

export function bucketSize(callsPerSecond: number): number {
  return Math.max(1, callsPerSecond);
}

/** The bucket topped up for the time elapsed since its last refill (time never runs backwards). */
export function refillBucket(state: TokenBucketState, callsPerSecond: number, nowMs: number): TokenBucketState {
  const size = bucketSize(callsPerSecond);
  const elapsedMs = Math.max(0, nowMs - state.refilledAtMs);
  return {
    tokens: Math.min(size, Math.max(0, state.tokens) + (elapsedMs / 1000) * callsPerSecond),
    refilledAtMs: Math.max(state.refilledAtMs, nowMs),
  };
}

export type TakeTokenResult =
  | { granted: true; state: TokenBucketState }
  /** waitMs: when the next whole token is there. */
  | { granted: false; state: TokenBucketState; waitMs: number };

/** Takes one token if there is one. */
export function takeToken(state: TokenBucketState, callsPerSecond: number, nowMs: number): TakeTokenResult {
  const refilled = refillBucket(state, callsPerSecond, nowMs);
  // A hair of tolerance so float rounding never refuses a token that is due right now.
  if (refilled.tokens >= 1 - 1e-9)
    return { granted: true, state: { ...refilled, tokens: Math.max(0, refilled.tokens - 1) } };
  return { granted: false, state: refilled, waitMs: Math.ceil(((1 - refilled.tokens) / callsPerSecond) * 1000) };
}
