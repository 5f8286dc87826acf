import { ProviderCallEvent } from '@outdial/contracts';

import { SignatureCheck } from '../callback-signatures';
import {
  ATTEMPT_KEY,
  compact,
  EndReasonTable,
  Fields,
  hmacHex,
  outcomeOf,
  PlatformWebhook,
  sameText,
  timeOf,
  WebhookRequest,
  WebhookSecrets,
} from './platform-webhook';

/**
 * Bland end reasons -> SPEC §5 outcome. The reason is `answered_by` when it says voicemail or
 * no-answer, else the call's `status` (https://docs.bland.ai/api-v1/get/calls-id).
 */
export const BLAND_END_REASONS: EndReasonTable = {
  exact: {
    completed: 'completed',
    human: 'completed',
    voicemail: 'voicemail',
    busy: 'busy',
    'no-answer': 'no_answer',
    failed: 'carrier_error',
    canceled: 'failed',
    call_error: 'agent_error',
    blocked: 'blocked',
    'invalid-number': 'invalid_number',
  },
  patterns: [
    [/invalid.*(number|phone)/i, 'invalid_number'],
    [/block/i, 'blocked'],
  ],
};

/** The end reason of a Bland call-details body: voicemail / no-answer from answered_by, else status. */
export function blandEndReason(
  status: string | undefined,
  answeredBy: string | undefined,
  errorMessage: string | undefined,
): string {
  if (answeredBy === 'voicemail' || answeredBy === 'no-answer') return answeredBy;
  if (status && status !== 'completed') return status;
  if (!status && errorMessage) return errorMessage;
  return status ?? 'unknown';
}

/**
 * Bland's `webhook` (set per call on POST /v1/calls, https://docs.bland.ai/api-v1/post/calls):
 * the call details when the call ends (call_id, status, answered_by, corrected_duration in seconds
 * or call_length in minutes, recording_url, concatenated_transcript, price in USD, metadata).
 * Signed in `X-Webhook-Signature: <hex HMAC-SHA256(signing secret, raw body)>`
 * (https://docs.bland.ai/tutorials/webhook-signing). Bland's signature has no timestamp: a replay
 * is the same call's same end, which JetStream's dedupe and the final attempt make harmless.
 */
export const blandWebhook: PlatformWebhook = {
  platform: 'bland',

  verify(request: WebhookRequest, secrets: WebhookSecrets): SignatureCheck {
    if (!secrets.webhook_secret)
      return { ok: false, reason: 'no webhook_secret for bland (agent config.webhook_secret or BLAND_WEBHOOK_SECRET)' };
    const given = request.headers['x-webhook-signature'];
    if (!given) return { ok: false, reason: 'missing X-Webhook-Signature' };
    return sameText(given.trim().toLowerCase(), hmacHex(secrets.webhook_secret, request.rawBody))
      ? { ok: true }
      : { ok: false, reason: 'X-Webhook-Signature does not match' };
  },

  toEvent(body: unknown, receivedAt: Date): ProviderCallEvent | null {
    const call = Fields.of(body);
    const callId = call.text('call_id', true)!;
    const status = call.text('status');
    if (
      call.bool('completed') === false &&
      (status === undefined || ['queued', 'started', 'in-progress', 'ringing', 'allocated'].includes(status))
    )
      return null;
    const reason = blandEndReason(status, call.text('answered_by'), call.text('error_message'));
    const outcome = outcomeOf(BLAND_END_REASONS, reason);
    const minutes = call.number('call_length');
    return compact({
      provider: 'bland',
      provider_call_id: callId,
      attempt_id: call.object('metadata')?.text(ATTEMPT_KEY) ?? '',
      event_id: `bland:${callId}:ended`,
      kind: 'ended',
      outcome,
      at: timeOf(call.text('end_at'), receivedAt),
      duration_seconds:
        call.number('corrected_duration') ?? (minutes !== undefined ? Math.round(minutes * 60 * 1000) / 1000 : 0),
      failure_reason:
        outcome === 'completed'
          ? undefined
          : `bland ${reason}${call.text('error_message') && reason !== call.text('error_message') ? `: ${call.text('error_message')}` : ''}`,
      recording_url: call.text('recording_url'),
      transcript: call.text('concatenated_transcript'),
      cost: call.number('price'),
    });
  },
};
