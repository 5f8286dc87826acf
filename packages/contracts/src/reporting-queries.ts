import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsNotEmpty,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
} from 'class-validator';

import {
  BatchQuery,
  CONTACT_PAGE_SIZES,
  DEFAULT_CONTACT_PAGE_SIZE,
  DEFAULT_LIST_PAGE_SIZE,
  MAX_LIST_PAGE_SIZE,
  MAX_SEARCH_LENGTH,
} from './common';
import { BATCH_STATUSES, CALL_OUTCOMES, CONTACT_STATUSES } from './statuses';

/** Request/reply payloads served by reporting (read model, reports, live progress, read-your-writes). */

export const RESULTS_FILTERS = ['all', 'successful', 'failed'] as const;
export type ResultsFilter = (typeof RESULTS_FILTERS)[number];

/** One page of the results CSV; the gateway asks page after page and streams them out. */
export class ResultsPageQuery extends BatchQuery {
  @IsIn(RESULTS_FILTERS) filter: ResultsFilter;
  /** Rows after this row number (0 = from the start). */
  @IsInt() @Min(0) after_row: number;
  @IsInt() @Min(1024) @Max(900_000) max_bytes: number;
}

export interface ResultsPage {
  /** CSV text: the header line on the first page, then whole records. */
  csv: string;
  /** Pass as `after_row` for the next page; null when this was the last. */
  next_after_row: number | null;
}

/** SPEC §8 batch status. */
export interface BatchStatusView {
  batch_id: string;
  name: string;
  status: string;
  agent_id: string;
  from_number: string;
  concurrency: number;
  max_attempts: number;
  total_calls: number;
  completed: number;
  failed: number;
  pending: number;
  in_progress: number;
  progress_percent: number;
  success_rate: number;
  avg_duration_seconds: number;
  cost_so_far: number;
  estimated_completion: string | null;
  created_at: string;
  scheduled_start_time: string | null;
  start_time: string | null;
  completed_at: string | null;
  errors: { row: number; phone: string; error: string; retry_count: number }[];
}

/** `GET /api/batch-calls`: the org's batches, newest first. */
export class ListBatchesQuery {
  @IsString() @IsNotEmpty() org_id: string;
  @IsOptional() @IsArray() @ArrayMaxSize(BATCH_STATUSES.length) @IsIn(BATCH_STATUSES, { each: true }) status?: string[];
  /** Part of the batch name or id, case-insensitive. */
  @IsOptional() @IsString() @MaxLength(MAX_SEARCH_LENGTH) search?: string;
  @IsInt() @Min(1) @Max(1_000_000) page: number = 1;
  @IsInt() @Min(1) @Max(MAX_LIST_PAGE_SIZE) page_size: number = DEFAULT_LIST_PAGE_SIZE;
}

/** One item of the batches list: the SPEC §8 status without the per-contact errors. */
export type BatchListItem = Omit<BatchStatusView, 'errors'>;

/** `GET /api/batch-calls/{id}/contacts` (SPEC §8). */
export class ContactsPageQuery extends BatchQuery {
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(CONTACT_STATUSES.length)
  @IsIn(CONTACT_STATUSES, { each: true })
  status?: string[];
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
  @IsIn(CONTACT_PAGE_SIZES) page_size: number = DEFAULT_CONTACT_PAGE_SIZE;
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
  @IsOptional() @IsArray() @ArrayMaxSize(CALL_OUTCOMES.length) @IsIn(CALL_OUTCOMES, { each: true }) outcome?: string[];
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
  @IsIn(REPORT_FORMATS) format: ReportFormat;
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

/** Reply of `reporting.report`: a JSON report, or the PDF when `format` was `pdf`. */
export type ReportReply = BatchReport | PdfReport;

/** Narrows a `reporting.report` reply to the PDF variant (asked with `format: 'pdf'`). */
export function isPdfReport(reply: ReportReply): reply is PdfReport {
  return typeof (reply as Partial<PdfReport>).content_base64 === 'string';
}
