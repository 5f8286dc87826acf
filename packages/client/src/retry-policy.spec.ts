import { backoffMs, decideRetry, DEFAULT_RETRY_OPTIONS, parseRetryAfter } from './retry-policy';

const base = { method: 'GET', hasIdempotencyKey: false, attempt: 0, replayable: true };
const half = () => 0.5;

describe('decideRetry', () => {
  it('retries GET and HEAD on 502, 503, 504 and network errors, with growing jittered backoff', () => {
    for (const status of [502, 503, 504, undefined]) {
      expect(decideRetry({ ...base, status }, DEFAULT_RETRY_OPTIONS, half)).toEqual({ retry: true, delayMs: 125 });
    }
    expect(decideRetry({ ...base, method: 'HEAD', attempt: 2, status: 503 }, DEFAULT_RETRY_OPTIONS, half)).toEqual({
      retry: true,
      delayMs: 500,
    });
  });

  it('never retries other failures of a GET (4xx, 500) or a success', () => {
    for (const status of [200, 400, 401, 404, 409, 500]) expect(decideRetry({ ...base, status }).retry).toBe(false);
  });

  it('retries a POST on 5xx or a network error only when it carries an Idempotency-Key', () => {
    expect(decideRetry({ ...base, method: 'POST', status: 503 }).retry).toBe(false);
    expect(decideRetry({ ...base, method: 'POST', status: undefined }).retry).toBe(false);
    expect(decideRetry({ ...base, method: 'POST', hasIdempotencyKey: true, status: 503 }).retry).toBe(true);
    expect(decideRetry({ ...base, method: 'POST', hasIdempotencyKey: true, status: undefined }).retry).toBe(true);
  });

  it('retries any request refused with 429 after exactly Retry-After, not without the header or beyond the cap', () => {
    expect(decideRetry({ ...base, method: 'POST', status: 429, retryAfter: '2' })).toEqual({
      retry: true,
      delayMs: 2000,
    });
    expect(decideRetry({ ...base, status: 429, retryAfter: null }).retry).toBe(false);
    expect(decideRetry({ ...base, status: 429, retryAfter: '61' }).retry).toBe(false);
  });

  it('stops after maxRetries and for bodies that cannot be sent again', () => {
    expect(decideRetry({ ...base, attempt: 3, status: 503 }).retry).toBe(false);
    expect(decideRetry({ ...base, attempt: 0, status: 503 }, { ...DEFAULT_RETRY_OPTIONS, maxRetries: 0 }).retry).toBe(
      false,
    );
    expect(
      decideRetry({ ...base, method: 'POST', hasIdempotencyKey: true, status: 503, replayable: false }).retry,
    ).toBe(false);
  });
});

describe('backoffMs', () => {
  it('is uniform in [0, min(max, base * 2^attempt)]', () => {
    const options = { baseDelayMs: 100, maxDelayMs: 1000 };
    expect(backoffMs(0, options, () => 1)).toBe(100);
    expect(backoffMs(3, options, () => 1)).toBe(800);
    expect(backoffMs(10, options, () => 1)).toBe(1000);
    expect(backoffMs(10, options, () => 0)).toBe(0);
  });
});

describe('parseRetryAfter', () => {
  it('reads delay-seconds and HTTP-dates (RFC 9110 §10.2.3)', () => {
    const now = () => Date.parse('2026-11-29T12:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('Sun, 29 Nov 2026 12:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Sun, 29 Nov 2026 11:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});
