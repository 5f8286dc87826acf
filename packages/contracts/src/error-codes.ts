import type { RowIssue } from './batch-ingest';

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

/** Every public error code: a closed union (an unknown code on the wire is mapped to `internal`). */
export type ErrorCode = keyof typeof ERROR_HTTP_STATUS;

/** Every error code, for iteration. */
export const ERROR_CODES: readonly ErrorCode[] = Object.keys(ERROR_HTTP_STATUS).filter(isErrorCode);

/** True when `code` is one of the public error codes. */
export function isErrorCode(code: string): code is ErrorCode {
  return Object.prototype.hasOwnProperty.call(ERROR_HTTP_STATUS, code);
}

/**
 * The HTTP status of an error code (e.g. `not_found` -> 404). A value outside the union (only
 * possible from untyped JSON) answers 500, like `internal`.
 */
export function httpStatusForErrorCode(code: ErrorCode): number {
  return isErrorCode(code) ? ERROR_HTTP_STATUS[code] : 500;
}

/** One field's problems: the `details` of a validation-like error (`validation_failed`). */
export interface FieldError {
  /** Path of the field: `a.b[2].c`; `(root)` for the whole body. */
  field: string;
  problems: string[];
}

/** Names the one field (request key, agent config key, ...) the error is about, plus context. */
export interface FieldDetail {
  field: string;
  [context: string]: unknown;
}

/** A size/count limit that was exceeded. */
export interface LimitDetail {
  limit_bytes?: number;
  limit_rows?: number;
  limit_numbers?: number;
  limit?: number;
}

/** Where in an uploaded file the problem is (1-based row or line) and the parser's own code. */
export interface FileLocationDetail {
  row?: number;
  line?: number;
  csv_error?: string;
  [context: string]: unknown;
}

/** The rows that made a request fail (e.g. no valid number among those given), as the validation report lists them. */
export interface RowIssuesDetail {
  issues: RowIssue[];
}

/** Free context (JSON object) for codes without a dedicated shape. */
export type ErrorContext = { readonly [key: string]: unknown };

/**
 * The `details` shape of each error code: `FieldError[]` for validation-like errors or a typed
 * object per code. Wire format unchanged: `{"error":{"code","message","details"}}`.
 */
export interface ErrorDetailsMap {
  validation_failed: FieldError[] | FieldDetail | RowIssuesDetail;
  missing_phone_column: ErrorContext;
  invalid_file: FileLocationDetail;
  invalid_utf8: FileLocationDetail;
  unauthorized: ErrorContext;
  forbidden: ErrorContext;
  not_found: FieldDetail;
  invalid_transition: ErrorContext;
  conflict: FieldDetail | { idempotency_key: string };
  payload_too_large: LimitDetail;
  too_many_rows: LimitDetail;
  unsupported_media_type: ErrorContext;
  unprocessable: ErrorContext;
  agent_not_voice: FieldDetail;
  from_number_not_allowed: FieldDetail;
  idempotency_key_reused: ErrorContext;
  file_url_not_allowed: FieldDetail;
  file_url_unreachable: FieldDetail;
  rate_limited: ErrorContext;
  internal: ErrorContext;
  upstream_unavailable: ErrorContext;
  upstream_timeout: ErrorContext;
}

/** The `details` an error of code `C` may carry. */
export type ErrorDetails<C extends ErrorCode = ErrorCode> = ErrorDetailsMap[C];

/** Per-row issue codes of the validation report (SPEC §2). */
export const ROW_ISSUE_CODES = [
  'invalid_phone',
  'duplicate_phone',
  'missing_phone',
  'suppressed',
  'invalid_value',
] as const;
export type RowIssueCode = (typeof ROW_ISSUE_CODES)[number];

/** The error body every service and the gateway answer with. */
export interface ErrorBody<C extends ErrorCode = ErrorCode> {
  code: C;
  message: string;
  details?: ErrorDetails<C>;
}
