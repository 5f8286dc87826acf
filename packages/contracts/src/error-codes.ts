/**
 * Error codes shared by every service and the public API
 * (`{"error": {"code", "message", "details"}}`), with the HTTP status each maps to.
 */
export const ERROR_HTTP_STATUS = {
  validation_failed: 400,
  missing_phone_column: 400,
  invalid_file: 400,
  invalid_utf8: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  invalid_transition: 409,
  conflict: 409,
  payload_too_large: 413,
  too_many_rows: 413,
  unsupported_media_type: 415,
  unprocessable: 422,
  agent_not_voice: 422,
  from_number_not_allowed: 422,
  idempotency_key_reused: 422,
  file_url_not_allowed: 422,
  file_url_unreachable: 422,
  rate_limited: 429,
  internal: 500,
  upstream_unavailable: 503,
  upstream_timeout: 504,
} as const;

export type ErrorCode = keyof typeof ERROR_HTTP_STATUS;

export function httpStatusForErrorCode(code: string): number {
  return (ERROR_HTTP_STATUS as Record<string, number>)[code] ?? 500;
}

/** Per-row issue codes of the validation report (SPEC §2). */
export const ROW_ISSUE_CODES = ['invalid_phone', 'duplicate_phone', 'missing_phone', 'suppressed', 'invalid_value'] as const;
export type RowIssueCode = (typeof ROW_ISSUE_CODES)[number];

/** The error body every service and the gateway answer with. */
export interface ErrorBody {
  code: string;
  message: string;
  details?: unknown;
}
