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
 * Bolna execution `status` (https://www.bolna.ai/docs/list-phone-call-status) -> SPEC §5 outcome,
 * for the final statuses. `completed` is refined: voicemail when `answered_by_voice_mail`, and
 * no_answer when no conversation happened (Bolna: "completed does not mean a conversation happened;
 * check conversation_duration > 0").
 */
export const BOLNA_END_REASONS: EndReasonTable = {
  exact: {
    completed: 'completed',
    'completed-voicemail': 'voicemail',
    'completed-no-conversation': 'no_answer',
    busy: 'busy',
    'no-answer': 'no_answer',
    failed: 'carrier_error',
    canceled: 'failed',
    stopped: 'failed',
    'balance-low': 'agent_error',
    error: 'agent_error',
  },
};

const FINAL = new Set(['completed', 'busy', 'no-answer', 'failed', 'canceled', 'stopped', 'balance-low', 'error']);

/**
 * Bolna's agent webhook (https://www.bolna.ai/docs/poll-call-data): the execution payload
 * (https://www.bolna.ai/docs/api-reference/executions/payload) POSTed on every status change:
 * id (execution id), status, conversation_duration (s), transcript, telephony_data.recording_url,
 * answered_by_voice_mail, context_details.recipient_data (the user_data Outdial sent). Bolna does
 * not sign webhooks (it publishes source IPs), so the webhook URL carries a shared secret,
 * `?token=<webhook_secret>`, compared in constant time; unsigned (tokenless) calls are refused.
 * A replay is the same execution's same status, deduplicated by event id.
 */
export const bolnaWebhook: PlatformWebhook = {
  platform: 'bolna',

  verify(request: WebhookRequest, secrets: WebhookSecrets): SignatureCheck {
    if (!secrets.webhook_secret)
      return { ok: false, reason: 'no webhook_secret for bolna (agent config.webhook_secret or BOLNA_WEBHOOK_SECRET)' };
    const token = request.query.token;
    if (!token) return { ok: false, reason: 'missing token in the webhook URL' };
    return sameText(token, secrets.webhook_secret) ? { ok: true } : { ok: false, reason: 'token does not match' };
  },

  toEvent(body: unknown, receivedAt: Date): ProviderCallEvent | null {
    const execution = Fields.of(body);
    const executionId = execution.text('id', true)!;
    const status = execution.text('status', true)!;
    const base = {
      provider: 'bolna' as const,
      provider_call_id: executionId,
      attempt_id: execution.object('context_details')?.object('recipient_data')?.text(ATTEMPT_KEY) ?? '',
      at: timeOf(execution.text('updated_at'), receivedAt),
    };
    if (status === 'ringing') return { ...base, event_id: `bolna:${executionId}:ringing`, kind: 'ringing' };
    if (status === 'in-progress') return { ...base, event_id: `bolna:${executionId}:answered`, kind: 'answered' };
    if (!FINAL.has(status)) return null; // queued, rescheduled, initiated, call-disconnected (post-processing follows)
    const duration = execution.number('conversation_duration') ?? 0;
    const reason =
      status !== 'completed'
        ? status
        : execution.bool('answered_by_voice_mail')
          ? 'completed-voicemail'
          : duration > 0
            ? 'completed'
            : 'completed-no-conversation';
    const outcome = outcomeOf(BOLNA_END_REASONS, reason);
    const telephony = execution.object('telephony_data');
    return compact({
      ...base,
      event_id: `bolna:${executionId}:ended`,
      kind: 'ended',
      outcome,
      duration_seconds: duration,
      failure_reason:
        outcome === 'completed'
          ? undefined
          : `bolna ${reason}${execution.text('error_message') ? `: ${execution.text('error_message')}` : ''}`,
      recording_url: telephony?.text('recording_url'),
      transcript: execution.text('transcript'),
    });
  },
};
