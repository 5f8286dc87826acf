/**
 * When the client sends a request again (pure; unit-tested).
 *
 * - An answer `429` with `Retry-After` is a refusal before any work (the gateway's per-token rate
 *   limit, SPEC §9): any request is sent again after that many seconds, unless that wait exceeds
 *   `maxRetryAfterMs`.
 * - `502`, `503`, `504` and network errors (no answer) are retried only for idempotent requests:
 *   `GET`, `HEAD`, `PUT`, `DELETE`, `OPTIONS`, and a `POST` that carries an `Idempotency-Key`
 *   (the gateway answers a repeated key with the first request's batch, SPEC §9).
 * - At most `maxRetries` retries; delays grow exponentially from `baseDelayMs` to `maxDelayMs`
 *   with full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter").
 */
export interface RetryOptions {
  /** Retries after the first attempt (default 3; 0 = never retry). */
  maxRetries: number;
  /** First backoff in ms (default 250). */
  baseDelayMs: number;
  /** Largest backoff in ms (default 5,000). */
  maxDelayMs: number;
  /** Longest `Retry-After` the client waits for, in ms (default 60,000); beyond it the 429 is returned. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_OPTIONS: RetryOptions = {
  maxRetries: 3,
  baseDelayMs: 250,
  maxDelayMs: 5_000,
  maxRetryAfterMs: 60_000,
};

const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);
const RETRYABLE_STATUSES = new Set([502, 503, 504]);

export interface AttemptOutcome {
  method: string;
  /** The request carries an `Idempotency-Key` header. */
  hasIdempotencyKey: boolean;
  /** 0-based number of the attempt that just ended. */
  attempt: number;
  /** The answer's status, or undefined when the attempt failed without one (network error). */
  status?: number;
  /** The answer's `Retry-After` header, raw. */
  retryAfter?: string | null;
  /** Whether the body can be sent again (false for a one-shot stream without a replay). */
  replayable: boolean;
}

/** `{ retry: false }` or `{ retry: true, delayMs }`. `random` is injectable for tests. */
export function decideRetry(
  outcome: AttemptOutcome,
  options: RetryOptions = DEFAULT_RETRY_OPTIONS,
  random: () => number = Math.random,
  now: () => number = Date.now,
): { retry: false } | { retry: true; delayMs: number } {
  if (outcome.attempt >= options.maxRetries || !outcome.replayable) return { retry: false };
  if (outcome.status === 429) {
    const waitMs = parseRetryAfter(outcome.retryAfter, now);
    if (waitMs === undefined || waitMs > options.maxRetryAfterMs) return { retry: false };
    return { retry: true, delayMs: waitMs };
  }
  const idempotent = IDEMPOTENT_METHODS.has(outcome.method.toUpperCase()) || outcome.hasIdempotencyKey;
  if (!idempotent) return { retry: false };
  if (outcome.status !== undefined && !RETRYABLE_STATUSES.has(outcome.status)) return { retry: false };
  return { retry: true, delayMs: backoffMs(outcome.attempt, options, random) };
}

/** Full-jitter exponential backoff: uniform in [0, min(max, base * 2^attempt)]. */
export function backoffMs(
  attempt: number,
  options: Pick<RetryOptions, 'baseDelayMs' | 'maxDelayMs'>,
  random: () => number = Math.random,
): number {
  const cap = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** attempt);
  return Math.round(random() * cap);
}

/**
 * `Retry-After` (RFC 9110 §10.2.3): delay-seconds or an HTTP-date. Returns ms to wait, or
 * undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | null | undefined, now: () => number = Date.now): number | undefined {
  if (value === null || value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now());
}
