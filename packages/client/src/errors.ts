/**
 * An error answer of the Outdial API (SPEC §9: `{"error": {"code", "message", "details"}}` with
 * the HTTP status), or a transport failure the client could not get past.
 *
 * - `status`: the HTTP status (0 when no answer arrived: connection refused, reset, DNS, timeout).
 * - `code`: the API's error code (`unauthorized`, `missing_phone_column`, `invalid_transition`, …);
 *   `http_<status>` when the body was not the documented error shape; `connection_failed` when no
 *   answer arrived.
 * - `details`: the API's `details` (for validation errors `[{field, problems[]}]`), else undefined.
 */
export class OutdialApiError extends Error {
  override readonly name = 'OutdialApiError';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }

  /** Builds the error from a non-2xx answer; `body` is the parsed JSON (or the raw text). */
  static fromResponse(status: number, body: unknown, headers?: Headers): OutdialApiError {
    const retryAfter = headers?.get('retry-after');
    const retryAfterSeconds = retryAfter && /^\d+$/.test(retryAfter) ? Number(retryAfter) : undefined;
    const error = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)?.error;
    if (error && typeof error === 'object' && typeof error.code === 'string') {
      return new OutdialApiError(
        status,
        error.code,
        typeof error.message === 'string' ? error.message : error.code,
        error.details ?? undefined,
        retryAfterSeconds,
      );
    }
    const text = typeof body === 'string' ? body.trim().slice(0, 200) : '';
    return new OutdialApiError(status, `http_${status}`, text || `HTTP ${status}`, undefined, retryAfterSeconds);
  }

  /** A request that never got an answer (after the retries the policy allows). */
  static connectionFailed(url: string, cause: unknown): OutdialApiError {
    const reason = describeCause(cause);
    const error = new OutdialApiError(0, 'connection_failed', `could not reach ${new URL(url).origin}: ${reason}`);
    (error as { cause?: unknown }).cause = cause;
    return error;
  }
}

function describeCause(cause: unknown): string {
  const inner = (cause as { cause?: { code?: string; message?: string } })?.cause;
  if (inner?.code) return inner.code;
  if (inner?.message) return inner.message;
  return cause instanceof Error ? cause.message : String(cause);
}
