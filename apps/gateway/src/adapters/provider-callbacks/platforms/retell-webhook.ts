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
 * Retell `disconnection_reason` (https://docs.retellai.com/reliability/debug-call-disconnect) ->
 * SPEC §5 outcome. `dial_*` reasons mean the call never connected; `error_*` are the agent's side.
 */
export const RETELL_END_REASONS: EndReasonTable = {
  exact: {
    user_hangup: 'completed',
    agent_hangup: 'completed',
    call_transfer: 'completed',
    inactivity: 'completed',
    max_duration_reached: 'completed',
    voicemail_reached: 'voicemail',
    ivr_reached: 'voicemail',
    dial_busy: 'busy',
    user_declined: 'busy',
    dial_no_answer: 'no_answer',
    dial_failed: 'carrier_error',
    invalid_destination: 'invalid_number',
    telephony_provider_permission_denied: 'blocked',
    marked_as_spam: 'blocked',
    scam_detected: 'blocked',
    telephony_provider_unavailable: 'carrier_error',
    sip_routing_error: 'carrier_error',
    concurrency_limit_reached: 'failed',
    no_valid_payment: 'agent_error',
    registered_call_timeout: 'agent_error',
    error_llm_websocket_open: 'agent_error',
    error_llm_websocket_lost_connection: 'agent_error',
    error_llm_websocket_runtime: 'agent_error',
    error_llm_websocket_corrupt_payload: 'agent_error',
    error_no_audio_received: 'agent_error',
    error_asr: 'agent_error',
    error_retell: 'agent_error',
    error_unknown: 'agent_error',
    error_user_not_joined: 'agent_error',
  },
  patterns: [[/^error_/, 'agent_error']],
};

/**
 * Retell webhooks (https://docs.retellai.com/features/webhook): `{event, call}` with `call_started`
 * (the call connected), `call_ended` (disconnection_reason, duration_ms, transcript, recording_url,
 * call_cost.combined_cost in cents) and `call_analyzed` (post-call analysis: changes nothing here).
 * Signed in `x-retell-signature: v=<unix ms>,d=<hex HMAC-SHA256(api key, raw body + timestamp)>`
 * with the agent's API key (or its `webhook_secret`, another webhook-enabled key of the account); a timestamp outside
 * the tolerance is refused as a replay.
 */
export const retellWebhook: PlatformWebhook = {
  platform: 'retell',

  verify(request: WebhookRequest, secrets: WebhookSecrets): SignatureCheck {
    const keys = [secrets.api_key, secrets.webhook_secret].filter((k): k is string => !!k);
    if (keys.length === 0) return { ok: false, reason: 'no api_key for retell' };
    const header = request.headers['x-retell-signature'];
    if (!header) return { ok: false, reason: 'missing x-retell-signature' };
    const match = /^v=(\d+),d=([0-9a-f]+)$/i.exec(header.trim());
    if (!match) return { ok: false, reason: 'x-retell-signature must be v=<timestamp>,d=<hex>' };
    const timestamp = Number(match[1]);
    if (Math.abs(request.nowMs - timestamp) > request.toleranceSeconds * 1000)
      return { ok: false, reason: `stale signature timestamp (more than ${request.toleranceSeconds} s away)` };
    const digest = match[2].toLowerCase();
    return keys.some((key) => sameText(digest, hmacHex(key, request.rawBody + match[1])))
      ? { ok: true }
      : { ok: false, reason: 'x-retell-signature does not match' };
  },

  toEvent(body: unknown, receivedAt: Date): ProviderCallEvent | null {
    const root = Fields.of(body);
    const event = root.text('event', true)!;
    const call = root.object('call', true)!;
    const callId = call.text('call_id', true)!;
    const base = {
      provider: 'retell' as const,
      provider_call_id: callId,
      attempt_id: call.object('metadata')?.text(ATTEMPT_KEY) ?? '',
    };
    if (event === 'call_started')
      return {
        ...base,
        event_id: `retell:${callId}:answered`,
        kind: 'answered',
        at: timeOf(call.number('start_timestamp'), receivedAt),
      };
    if (event !== 'call_ended') return null;
    const reason = call.text('disconnection_reason', true)!;
    const outcome = outcomeOf(RETELL_END_REASONS, reason);
    const cents = call.object('call_cost')?.number('combined_cost');
    const durationMs = call.number('duration_ms');
    return compact({
      ...base,
      event_id: `retell:${callId}:ended`,
      kind: 'ended',
      outcome,
      at: timeOf(call.number('end_timestamp'), receivedAt),
      duration_seconds: durationMs !== undefined ? durationMs / 1000 : 0,
      failure_reason: outcome === 'completed' ? undefined : `retell ${reason}`,
      recording_url: call.text('recording_url'),
      transcript: call.transcript('transcript'),
      cost: cents !== undefined ? cents / 100 : undefined,
    });
  },
};
