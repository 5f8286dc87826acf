import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';

import { DEFAULT_LIST_PAGE_SIZE, MAX_LIST_PAGE_SIZE, OrgQuery } from './common';

/** Webhook endpoints and deliveries (served by reporting, SPEC §8, §10). */

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

/** `POST /api/webhooks`. */
export class CreateWebhookCommand extends OrgQuery {
  @IsString() @MaxLength(2000) @Matches(/^https?:\/\/\S+$/i, { message: 'url must be an http(s) URL' }) url: string;
  /** Event types to receive; absent or empty: all of them. */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(WEBHOOK_EVENT_TYPES.length)
  @IsIn(WEBHOOK_EVENT_TYPES, { each: true })
  events?: string[];
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

/** Reply of `reporting.webhook_delete`. */
export interface WebhookDeletedReply {
  webhook_id: string;
  deleted: true;
}

/** Reply of `reporting.webhook_callback_secret`: the org's secret for signing callback URLs. */
export interface WebhookCallbackSecretReply {
  secret: string;
}
