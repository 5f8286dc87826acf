import { ProviderCallEvent } from '@outdial/contracts';

import { SignatureCheck } from '../callback-signatures';
import {
  ATTEMPT_KEY,
  compact,
  EndReasonTable,
  Fields,
  outcomeOf,
  PlatformWebhook,
  sameText,
  timeOf,
  WebhookRequest,
  WebhookSecrets,
} from './platform-webhook';

/**
 * Vapi `endedReason` (https://docs.vapi.ai/calls/call-ended-reason) -> SPEC §5 outcome. Reasons of a
 * conversation that happened end `completed`; the `call.start.error-*`, `pipeline-error-*` and
 * `assistant-*` failures are the agent's side (`agent_error`); provider connection failures are
 * the carrier's (`carrier_error`); SIP 404/484 and misdials are an invalid number, SIP 403/603 a block.
 */
export const VAPI_END_REASONS: EndReasonTable = {
  exact: {
    'customer-ended-call': 'completed',
    'assistant-ended-call': 'completed',
    'assistant-said-end-call-phrase': 'completed',
    'assistant-ended-call-after-message-spoken': 'completed',
    'assistant-ended-call-with-hangup-task': 'completed',
    'assistant-forwarded-call': 'completed',
    'exceeded-max-duration': 'completed',
    'silence-timed-out': 'completed',
    'customer-busy': 'busy',
    'customer-did-not-answer': 'no_answer',
    voicemail: 'voicemail',
    'twilio-reported-customer-misdialed': 'invalid_number',
    'twilio-failed-to-connect-call': 'carrier_error',
    'vonage-failed-to-connect-call': 'carrier_error',
    'vonage-rejected': 'blocked',
    'phone-call-provider-closed-websocket': 'carrier_error',
    'phone-call-provider-bypass-enabled-but-no-call-received': 'carrier_error',
    'assistant-not-found': 'agent_error',
    'assistant-not-valid': 'agent_error',
    'assistant-not-provided': 'agent_error',
    'assistant-error': 'agent_error',
    'assistant-join-timed-out': 'agent_error',
    'assistant-request-failed': 'agent_error',
    'assistant-request-returned-error': 'agent_error',
    'manually-canceled': 'failed',
  },
  patterns: [
    [/sip-(404|484|410)|invalid-(number|phone)|misdial/i, 'invalid_number'],
    [/sip-(403|603|607|608)|blocked|rejected/i, 'blocked'],
    [/sip-486|busy/i, 'busy'],
    [/sip-(408|480)|no-answer|did-not-answer/i, 'no_answer'],
    [/providerfault|sip|telephony|twilio|vonage|telnyx/i, 'carrier_error'],
    [/^call\.start\.error|^pipeline-error|^call\.in-progress\.error|assistant|llm|voice|transcriber/i, 'agent_error'],
  ],
};

/**
 * Vapi server-URL messages (https://docs.vapi.ai/server-url/events): `{message: {type, ...}}`.
 * `status-update` ringing / in-progress move the attempt on; the call ends with the
 * `end-of-call-report` (endedReason, durationSeconds, cost in USD, artifact.recordingUrl and
 * transcript), sent once after post-processing. Authentication: the server's credential secret in
 * `X-Vapi-Secret` (https://docs.vapi.ai/server-url/server-authentication), and messages whose
 * `timestamp` is older than the tolerance are refused as replays.
 */
export const vapiWebhook: PlatformWebhook = {
  platform: 'vapi',

  verify(request: WebhookRequest, secrets: WebhookSecrets): SignatureCheck {
    if (!secrets.webhook_secret)
      return { ok: false, reason: 'no webhook_secret for vapi (agent config.webhook_secret or VAPI_WEBHOOK_SECRET)' };
    const given = request.headers['x-vapi-secret'];
    if (!given) return { ok: false, reason: 'missing X-Vapi-Secret' };
    if (!sameText(given, secrets.webhook_secret)) return { ok: false, reason: 'X-Vapi-Secret does not match' };
    const timestamp = messageTimestamp(request.rawBody);
    if (timestamp !== undefined && Math.abs(request.nowMs - timestamp) > request.toleranceSeconds * 1000)
      return { ok: false, reason: `stale message timestamp (more than ${request.toleranceSeconds} s away)` };
    return { ok: true };
  },

  toEvent(body: unknown, receivedAt: Date): ProviderCallEvent | null {
    const message = Fields.of(body).object('message', true)!;
    const type = message.text('type', true)!;
    if (type !== 'status-update' && type !== 'end-of-call-report') return null;
    const call = message.object('call', true)!;
    const callId = call.text('id', true)!;
    const attemptId = call.object('metadata')?.text(ATTEMPT_KEY) ?? '';
    const at = timeOf(message.number('timestamp'), receivedAt);
    const base = { provider: 'vapi' as const, provider_call_id: callId, attempt_id: attemptId };
    if (type === 'status-update') {
      const status = message.text('status', true)!;
      if (status === 'ringing') return { ...base, event_id: `vapi:${callId}:ringing`, kind: 'ringing', at };
      if (status === 'in-progress') return { ...base, event_id: `vapi:${callId}:answered`, kind: 'answered', at };
      // queued / scheduled / forwarding change nothing; `ended` waits for the end-of-call report,
      // which carries the recording, transcript, duration and cost.
      return null;
    }
    const reason = message.text('endedReason', true)!;
    const artifact = message.object('artifact');
    const outcome = outcomeOf(VAPI_END_REASONS, reason);
    return compact({
      ...base,
      event_id: `vapi:${callId}:ended`,
      kind: 'ended',
      outcome,
      at: timeOf(message.text('endedAt') ?? call.text('endedAt'), new Date(at)),
      duration_seconds: message.number('durationSeconds') ?? 0,
      failure_reason: outcome === 'completed' ? undefined : `vapi ${reason}`,
      recording_url: artifact?.text('recordingUrl') ?? message.text('recordingUrl'),
      transcript: artifact?.transcript('transcript') ?? message.transcript('transcript'),
      cost: message.number('cost') ?? call.number('cost'),
    });
  },
};

function messageTimestamp(rawBody: string): number | undefined {
  try {
    const t = (JSON.parse(rawBody) as { message?: { timestamp?: unknown } }).message?.timestamp;
    return typeof t === 'number' && Number.isFinite(t) ? (t > 1e12 ? t : t * 1000) : undefined;
  } catch {
    return undefined;
  }
}
