import { createHash, createHmac } from 'node:crypto';

import type { WebhookEventType } from '@outdial/contracts';

/**
 * The webhook a batch status change stands for (SPEC §8), or null. `previous` is the status the
 * batch left: `running` from `pending`/`scheduled` (or from nothing: created running) is a start,
 * from `paused` a resume.
 */
export function batchWebhookType(previous: string | null | undefined, next: string): WebhookEventType | null {
  switch (next) {
    case 'running':
      if (previous === 'paused') return 'batch.resumed';
      if (previous === 'running') return null;
      return 'batch.started';
    case 'paused':
      return previous === 'paused' ? null : 'batch.paused';
    case 'completed':
      return 'batch.completed';
    case 'failed':
      return 'batch.failed';
    case 'cancelled':
      return 'batch.cancelled';
    default:
      return null;
  }
}

/**
 * The webhook a contact update stands for: a call result once the contact first becomes final.
 * Contacts never dialed (cancelled or expired before their first call, suppressed) had no call to
 * report, so a cancelled million-contact batch does not fan out a million webhooks.
 */
export function contactWebhookType(
  before: { final: boolean },
  after: { status: string; final: boolean; attempts: number },
): WebhookEventType | null {
  if (before.final || !after.final || after.attempts <= 0) return null;
  return after.status === 'completed' ? 'batch.call_completed' : 'batch.call_failed';
}

/**
 * The key a webhook event is deduplicated by. Events that happen once per batch (start, the end)
 * are keyed by batch, so however many status changes announce them, a receiver gets one event;
 * pauses and resumes can repeat and are keyed by their cause.
 */
export function webhookEventKey(type: WebhookEventType, batchId: string, causeId: string): string {
  switch (type) {
    case 'batch.started':
      return `${batchId}:started`;
    case 'batch.completed':
    case 'batch.failed':
    case 'batch.cancelled':
      return `${batchId}:ended`;
    default:
      return `${batchId}:${type}:${causeId}`;
  }
}

/** The public event id, stable for one key. */
export function webhookEventId(key: string): string {
  return `evt_${createHash('sha256').update(key).digest('hex').slice(0, 32)}`;
}

export interface WebhookEnvelope {
  id: string;
  type: WebhookEventType;
  created_at: string;
  batch_id: string;
  data: Record<string, unknown>;
}

/** The exact bytes sent: stored once, so every retry carries the same body. */
export function webhookBody(envelope: WebhookEnvelope): string {
  return JSON.stringify(envelope);
}

/** `X-Outdial-Signature`: `sha256=` + hex HMAC-SHA256 of `<timestamp>.<body>` with the endpoint's secret. */
export function webhookSignature(secret: string, timestampSeconds: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestampSeconds}.${body}`).digest('hex')}`;
}

/** Delay before the next try after `attempts` failed ones: exponential from `baseMs`, capped. */
export function retryDelayMs(attempts: number, baseMs: number, capMs: number): number {
  const exponent = Math.max(0, attempts - 1);
  return Math.min(capMs, baseMs * 2 ** Math.min(exponent, 30));
}

/** Whether an endpoint subscribed to `type` (an empty list: to every type). */
export function endpointWants(events: readonly string[], type: string): boolean {
  return events.length === 0 || events.includes(type);
}
