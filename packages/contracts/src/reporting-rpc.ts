import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsISO8601, IsNotEmpty, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { BATCH_STATUSES, CALL_OUTCOMES, CONTACT_STATUSES } from './statuses';
import { BatchQuery, BatchStatusView } from './rpc';

/** Page sizes the contacts list accepts (SPEC §8: 25/50/100, default 50). */
export const CONTACT_PAGE_SIZES = [25, 50, 100] as const;
export const DEFAULT_CONTACT_PAGE_SIZE = 50;
/** Other lists (batches, calls, webhook deliveries): any size from 1 to this. */
export const MAX_LIST_PAGE_SIZE = 100;
export const DEFAULT_LIST_PAGE_SIZE = 50;
/** Longest search text accepted. */
export const MAX_SEARCH_LENGTH = 100;

/** Every list answers in this shape (SPEC §9). */
export interface ListPage<T> {
  items: T[];
  total: number;
  page: number;
  page_size: number;
}

/** `GET /api/batch-calls`: the org's batches, newest first. */
export class ListBatchesQuery {
  @IsString() @IsNotEmpty() org_id: string;
  @IsOptional() @IsArray() @ArrayMaxSize(BATCH_STATUSES.length) @IsIn(BATCH_STATUSES as unknown as string[], { each: true }) status?: string[];
  /** Part of the batch name or id, case-insensitive. */
  @IsOptional() @IsString() @MaxLength(MAX_SEARCH_LENGTH) search?: string;
  @IsInt() @Min(1) @Max(1_000_000) page: number = 1;
  @IsInt() @Min(1) @Max(MAX_LIST_PAGE_SIZE) page_size: number = DEFAULT_LIST_PAGE_SIZE;
}

/** One item of the batches list: the SPEC §8 status without the per-contact errors. */
export type BatchListItem = Omit<BatchStatusView, 'errors'>;

/** `GET /api/batch-calls/{id}/contacts` (SPEC §8). */
export class ContactsPageQuery extends BatchQuery {
  @IsOptional() @IsArray() @ArrayMaxSize(CONTACT_STATUSES.length) @IsIn(CONTACT_STATUSES as unknown as string[], { each: true }) status?: string[];
  /** Exactly this many attempts. */
  @IsOptional() @IsInt() @Min(0) @Max(100) attempts?: number;
  @IsOptional() @IsInt() @Min(0) @Max(100) min_attempts?: number;
  @IsOptional() @IsInt() @Min(0) @Max(100) max_attempts?: number;
  /** Last attempt at or after this instant. */
  @IsOptional() @IsISO8601() from?: string;
  /** Last attempt before this instant. */
  @IsOptional() @IsISO8601() to?: string;
  /** Part of the phone number (digits) or of the name, case-insensitive. */
  @IsOptional() @IsString() @MaxLength(MAX_SEARCH_LENGTH) search?: string;
  @IsInt() @Min(1) @Max(1_000_000) page: number = 1;
  @IsIn(CONTACT_PAGE_SIZES as unknown as number[]) page_size: number = DEFAULT_CONTACT_PAGE_SIZE;
}

/** SPEC §9 contact item. */
export interface ContactItem {
  contact_id: string;
  row: number;
  phone: string;
  name: string | null;
  variables: Record<string, string>;
  status: string;
  last_outcome: string | null;
  attempts: number;
  max_attempts: number;
  last_attempt_at: string | null;
  next_retry_at: string | null;
  duration_seconds: number | null;
  failure_reason: string | null;
  call_id: string | null;
  recording_url: string | null;
  transcript: string | null;
}

/** `GET /api/batch-calls/{id}/calls`: the batch's attempts in the order they were dialed. */
export class CallsPageQuery extends BatchQuery {
  @IsOptional() @IsArray() @ArrayMaxSize(CALL_OUTCOMES.length) @IsIn(CALL_OUTCOMES as unknown as string[], { each: true }) outcome?: string[];
  @IsOptional() @IsString() @MaxLength(200) contact_id?: string;
  @IsInt() @Min(1) @Max(1_000_000) page: number = 1;
  @IsInt() @Min(1) @Max(MAX_LIST_PAGE_SIZE) page_size: number = DEFAULT_LIST_PAGE_SIZE;
}

/** SPEC §9 attempt item. */
export interface CallItem {
  call_id: string;
  contact_id: string;
  phone: string | null;
  attempt: number;
  outcome: string | null;
  status: string;
  started_at: string | null;
  answered_at: string | null;
  ended_at: string | null;
  duration_seconds: number | null;
  cost: number | null;
  provider: string;
  provider_call_id: string | null;
  failure_reason: string | null;
  recording_url: string | null;
}

export const REPORT_FORMATS = ['json', 'pdf'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export class ReportQuery extends BatchQuery {
  @IsIn(REPORT_FORMATS as unknown as string[]) format: ReportFormat;
}

/** `report.json` (SPEC §8: summary, outcome breakdown, cost, timing). */
export interface BatchReport {
  generated_at: string;
  summary: BatchStatusView;
  /** Contacts by their current status (every status, zeros included). */
  contacts_by_status: Record<string, number>;
  /** Ended attempts by outcome (every outcome, zeros included). */
  calls_by_outcome: Record<string, number>;
  cost: {
    currency: string;
    rate_per_minute: number;
    estimated_cost: number;
    cost_so_far: number;
    billed_minutes: number;
    average_cost_per_call: number;
  };
  timing: {
    created_at: string;
    scheduled_start_time: string | null;
    start_time: string | null;
    completed_at: string | null;
    /** From start to completion (or to now while running). */
    elapsed_seconds: number | null;
    calls_made: number;
    calls_connected: number;
    total_talk_seconds: number;
    avg_duration_seconds: number;
    calls_per_hour: number | null;
    estimated_completion: string | null;
  };
}

/** The reply of `report` with format `pdf` (NATS carries JSON, hence base64). */
export interface PdfReport {
  filename: string;
  content_base64: string;
}

/** SPEC §8 webhook event types. */
export const WEBHOOK_EVENT_TYPES = [
  'batch.started',
  'batch.paused',
  'batch.resumed',
  'batch.call_completed',
  'batch.call_failed',
  'batch.completed',
  'batch.failed',
  'batch.cancelled',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export class OrgQuery {
  @IsString() @IsNotEmpty() org_id: string;
}

/** `POST /api/webhooks`. */
export class CreateWebhookCommand extends OrgQuery {
  @IsString() @MaxLength(2000) @Matches(/^https?:\/\/\S+$/i, { message: 'url must be an http(s) URL' }) url: string;
  /** Event types to receive; absent or empty: all of them. */
  @IsOptional() @IsArray() @ArrayMaxSize(WEBHOOK_EVENT_TYPES.length) @IsIn(WEBHOOK_EVENT_TYPES as unknown as string[], { each: true }) events?: string[];
  @IsOptional() @IsString() @MaxLength(500) description?: string;
}

export class WebhookQuery extends OrgQuery {
  @IsString() @IsNotEmpty() @MaxLength(200) webhook_id: string;
}

export class WebhookDeliveriesQuery extends WebhookQuery {
  @IsOptional() @IsIn(['pending', 'delivered', 'failed']) status?: 'pending' | 'delivered' | 'failed';
  @IsInt() @Min(1) @Max(1_000_000) page: number = 1;
  @IsInt() @Min(1) @Max(MAX_LIST_PAGE_SIZE) page_size: number = DEFAULT_LIST_PAGE_SIZE;
}

export interface WebhookEndpointView {
  webhook_id: string;
  url: string;
  events: string[];
  description: string | null;
  created_at: string;
}

/** Only the create answer carries the signing secret. */
export interface CreatedWebhookEndpoint extends WebhookEndpointView {
  secret: string;
}

/**
 * One try of a webhook delivery (issue 12 §5, SPEC §10 "every attempt"): when it started, how
 * long it took (ms; null while under way or when its result never came), the receiver's HTTP
 * status (null when no answer came) or the network error.
 * `result`: `succeeded` (2xx), `failed` (other status, network error, timeout), `in_progress`
 * (the delivery's latest try, not finished yet), `interrupted` (no result was recorded: the
 * sender stopped during the try, which was then retried).
 */
export interface WebhookDeliveryAttemptView {
  attempt: number;
  started_at: string;
  duration_ms: number | null;
  status_code: number | null;
  error: string | null;
  result: 'succeeded' | 'failed' | 'in_progress' | 'interrupted';
}

export interface WebhookDeliveryView {
  delivery_id: string;
  event_id: string;
  type: string;
  batch_id: string | null;
  url: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  next_attempt_at: string | null;
  created_at: string;
  delivered_at: string | null;
  /** Every try, oldest first (kept for WEBHOOK_HISTORY_RETENTION_DAYS after the delivery finished). */
  attempt_history: WebhookDeliveryAttemptView[];
}

/** Reporting's part of `GET /api/system/status`. */
export interface ReportingSystemCounts {
  active_batches: number;
  active_calls: number;
  batches_by_status: Record<string, number>;
  webhook_deliveries_pending: number;
  webhook_deliveries_failed: number;
}

/** Live progress on core NATS (not JetStream): `<prefix>.v1.progress.<batch_id>`. */
export interface ProgressMessage {
  /** `final` once the batch is completed, failed or cancelled: the last message for it. */
  type: 'progress' | 'final';
  batch: BatchStatusView;
}

export function progressSubject(batchId: string): string {
  return `v1.progress.${batchId}`;
}

/** Ids that are safe as one NATS subject token. */
export const SUBJECT_TOKEN_PATTERN = /^[A-Za-z0-9_-]{1,200}$/;

/** Longest a write may wait for the read model to show it (ms). */
export const MAX_READ_MODEL_WAIT_MS = 30_000;

/**
 * Gateway -> reporting: wait (bounded) until the read model shows a write the API just
 * acknowledged, so the next read through any gateway sees it (read-your-writes). Exactly one of
 * the conditions is given: the batch's status change at `status_at` (or a later one) applied,
 * the batch gone (`deleted`), the batch readable (`exists`), or every contact of a new batch
 * received (`all_contacts`).
 */
export class AwaitReadModelQuery {
  @IsString() @IsNotEmpty() org_id: string;
  @IsString() @IsNotEmpty() batch_id: string;
  @IsOptional() @IsISO8601() status_at?: string;
  @IsOptional() @IsBoolean() deleted?: boolean;
  @IsOptional() @IsBoolean() all_contacts?: boolean;
  /** The batch is in the read model (its status and totals readable). */
  @IsOptional() @IsBoolean() exists?: boolean;
  @IsInt() @Min(0) @Max(MAX_READ_MODEL_WAIT_MS) timeout_ms: number;
}

export interface AwaitReadModelResult {
  /** false when `timeout_ms` passed first (the write stands; the read model is behind). */
  applied: boolean;
  waited_ms: number;
}

/** Gateway -> reporting: a page of a batch's activity log, oldest first. */
export class BatchActivityQuery extends BatchQuery {
  @IsInt() @Min(1) page: number;
  @IsInt() @Min(1) @Max(MAX_LIST_PAGE_SIZE) page_size: number;
}

/** One entry of a batch's activity log (GET /api/batch-calls/{id}/activity). */
export interface BatchActivityItem {
  at: string;
  /** created, started, paused, auto_paused, resumed, scheduled, rescheduled, cancelled, completed, failed, retries_scheduled */
  kind: string;
  /** Who: an API token (`token <id> (<role>)`), `circuit breaker`, `agent deleted`; null for the platform's own steps. */
  actor: string | null;
  message: string;
  data: Record<string, unknown>;
}
