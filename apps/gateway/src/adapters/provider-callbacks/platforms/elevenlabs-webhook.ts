import { CallOutcome, ProviderCallEvent } from '@outdial/contracts';

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
 * ElevenLabs end reasons -> SPEC §5 outcome. A `call_initiation_failure` carries `failure_reason`
 * (busy / no-answer / unknown); a `post_call_transcription` is a conversation that happened, unless
 * its `metadata.termination_reason` says voicemail was detected (voicemail-detection tool).
 */
export const ELEVENLABS_END_REASONS: EndReasonTable = {
  exact: {
    busy: 'busy',
    'no-answer': 'no_answer',
    no_answer: 'no_answer',
    unknown: 'failed',
    'invalid-number': 'invalid_number',
    conversation: 'completed',
    voicemail: 'voicemail',
  },
  patterns: [
    [/voicemail|answering machine/i, 'voicemail'],
    [/busy/i, 'busy'],
    [/no.?answer/i, 'no_answer'],
  ],
};

/**
 * ElevenLabs Agents post-call webhooks (https://elevenlabs.io/docs/agents-platform/workflows/post-call-webhooks):
 * `{type, event_timestamp, data}` with `post_call_transcription` (data.conversation_id,
 * transcript turns, metadata.call_duration_secs, metadata.termination_reason,
 * conversation_initiation_client_data.dynamic_variables) and `call_initiation_failure`
 * (data.conversation_id, failure_reason). Signed in `ElevenLabs-Signature: t=<unix s>,v0=<hex
 * HMAC-SHA256(secret, "<t>.<raw body>")>` with the workspace webhook's HMAC secret; stale
 * timestamps are refused. `post_call_audio` and other types change nothing.
 */
export const elevenlabsWebhook: PlatformWebhook = {
  platform: 'elevenlabs',

  verify(request: WebhookRequest, secrets: WebhookSecrets): SignatureCheck {
    if (!secrets.webhook_secret)
      return {
        ok: false,
        reason: 'no webhook_secret for elevenlabs (agent config.webhook_secret or ELEVENLABS_WEBHOOK_SECRET)',
      };
    const header = request.headers['elevenlabs-signature'];
    if (!header) return { ok: false, reason: 'missing ElevenLabs-Signature' };
    const parts = Object.fromEntries(header.split(',').map((p) => p.trim().split('=', 2) as [string, string]));
    if (!parts.t || !/^\d+$/.test(parts.t) || !parts.v0)
      return { ok: false, reason: 'ElevenLabs-Signature must be t=<timestamp>,v0=<hex>' };
    if (Math.abs(request.nowMs / 1000 - Number(parts.t)) > request.toleranceSeconds)
      return { ok: false, reason: `stale signature timestamp (more than ${request.toleranceSeconds} s away)` };
    return sameText(parts.v0.toLowerCase(), hmacHex(secrets.webhook_secret, `${parts.t}.${request.rawBody}`))
      ? { ok: true }
      : { ok: false, reason: 'ElevenLabs-Signature does not match' };
  },

  toEvent(body: unknown, receivedAt: Date): ProviderCallEvent | null {
    const root = Fields.of(body);
    const type = root.text('type', true)!;
    if (type !== 'post_call_transcription' && type !== 'call_initiation_failure') return null;
    const data = root.object('data', true)!;
    const conversationId = data.text('conversation_id', true)!;
    const attemptId =
      data.object('conversation_initiation_client_data')?.object('dynamic_variables')?.text(ATTEMPT_KEY) ?? '';
    const at = timeOf(root.number('event_timestamp'), receivedAt);
    const base = {
      provider: 'elevenlabs' as const,
      provider_call_id: conversationId,
      attempt_id: attemptId,
      event_id: `elevenlabs:${conversationId}:ended`,
      kind: 'ended' as const,
      at,
    };
    if (type === 'call_initiation_failure') {
      const reason = data.text('failure_reason') ?? 'unknown';
      return {
        ...base,
        outcome: outcomeOf(ELEVENLABS_END_REASONS, reason),
        duration_seconds: 0,
        failure_reason: `elevenlabs call initiation failed: ${reason}`,
      };
    }
    const metadata = data.object('metadata');
    const termination = metadata?.text('termination_reason');
    const outcome: CallOutcome =
      termination && outcomeOf(ELEVENLABS_END_REASONS, termination) === 'voicemail' ? 'voicemail' : 'completed';
    return compact({
      ...base,
      outcome,
      duration_seconds: metadata?.number('call_duration_secs') ?? 0,
      failure_reason: outcome === 'completed' ? undefined : `elevenlabs ${termination}`,
      transcript: data.transcript('transcript'),
    });
  },
};
