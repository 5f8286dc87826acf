import { Injectable } from '@nestjs/common';

import { webhookSignature } from '../domain/webhook-events';

/** One signed webhook POST to send. */
export interface WebhookRequest {
  url: string;
  eventId: string;
  type: string;
  /** The exact bytes stored for the delivery (every retry carries the same body). */
  body: string;
  /** The endpoint's (or the org's callback) signing secret. */
  secret: string;
}

/** What the receiver answered: its HTTP status (null: no answer), and the error (null: a 2xx). */
export interface WebhookResponse {
  statusCode: number | null;
  error: string | null;
}

/**
 * Outbound webhook HTTP (SPEC §8 webhooks): one POST with the Outdial headers and signature
 * (`X-Outdial-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`, timestamp in unix
 * seconds of the real time), no redirects followed, aborted after `timeoutMs`. Never throws: a
 * non-2xx answer is `HTTP <status>`, no answer in time is `no answer within <timeoutMs> ms`, a
 * network failure is its message with the system error code.
 */
@Injectable()
export class WebhookHttpSender {
  async send(request: WebhookRequest, timeoutMs: number): Promise<WebhookResponse> {
    const timestamp = Math.floor(Date.now() / 1000);
    let statusCode: number | null = null;
    let error: string | null = null;
    try {
      const response = await fetch(request.url, {
        method: 'POST',
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': 'Outdial-Webhooks/1',
          'X-Outdial-Event-Id': request.eventId,
          'X-Outdial-Event-Type': request.type,
          'X-Outdial-Timestamp': String(timestamp),
          'X-Outdial-Signature': webhookSignature(request.secret, timestamp, request.body),
        },
        body: request.body,
      });
      statusCode = response.status;
      await response.body?.cancel().catch(() => undefined);
      if (statusCode < 200 || statusCode >= 300) error = `HTTP ${statusCode}`;
    } catch (caught) {
      const e = caught as Error & { cause?: { code?: string } };
      error =
        e.name === 'TimeoutError'
          ? `no answer within ${timeoutMs} ms`
          : `${e.message}${e.cause?.code ? ` (${e.cause.code})` : ''}`;
    }
    return { statusCode, error };
  }
}
