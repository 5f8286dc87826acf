import { createHmac } from 'node:crypto';
import { IncomingMessage } from 'node:http';

import { AcceptedCall, durationOf, FakePlatform, isE164 } from './fake-platform';

/** ElevenLabs-Signature: t=<unix s>,v0=<hex HMAC-SHA256(secret, "<t>.<body>")>. */
export function signElevenLabs(secret: string, body: string, timestampSeconds = Math.floor(Date.now() / 1000)): string {
  return `t=${timestampSeconds},v0=${createHmac('sha256', secret).update(`${timestampSeconds}.${body}`).digest('hex')}`;
}

/**
 * ElevenLabs Agents as published: POST /v1/convai/twilio/outbound-call (xi-api-key) with agent_id,
 * agent_phone_number_id, to_number, conversation_initiation_client_data.dynamic_variables -> 200
 * `{success: true, message, conversation_id, callSid}`; validation errors 422 `{detail: [{loc, msg,
 * type}]}`. Workspace webhooks, HMAC-signed: post_call_transcription for calls that connected
 * (voicemail detection ends with a voicemail termination reason), call_initiation_failure
 * (failure_reason busy / no-answer) for calls that did not.
 */
export class FakeElevenLabs extends FakePlatform {
  readonly name = 'elevenlabs';
  protected readonly createPath = '/v1/convai/twilio/outbound-call';
  /** The workspace webhook's HMAC secret. */
  hmacSecret = '';

  protected authorized(request: IncomingMessage): boolean {
    return request.headers['xi-api-key'] === this.apiKey;
  }
  protected validate(body: Record<string, any>): string | undefined {
    if (typeof body.agent_id !== 'string') return 'agent_id: field required';
    if (typeof body.agent_phone_number_id !== 'string') return 'agent_phone_number_id: field required';
    if (!isE164(body.to_number)) return 'to_number: Invalid phone number';
    return undefined;
  }
  protected to(body: Record<string, any>): string {
    return body.to_number;
  }
  protected variablesOf(body: Record<string, any>): Record<string, string> {
    return body.conversation_initiation_client_data?.dynamic_variables ?? {};
  }
  protected created(call: AcceptedCall) {
    return {
      status: 200,
      body: {
        success: true,
        message: 'Success',
        conversation_id: call.callId,
        callSid: `CA${call.callId.replace(/\W/g, '')}`,
      },
    };
  }
  protected errorBody(status: number, message: string): unknown {
    if (status === 422 || status === 400)
      return { detail: [{ loc: ['body', message.split(':')[0]], msg: message, type: 'value_error' }] };
    return { detail: { status: status === 429 ? 'too_many_concurrent_requests' : 'error', message } };
  }
  protected events(call: AcceptedCall): unknown[] {
    const at = Math.floor(Date.now() / 1000);
    if (call.outcome === 'busy' || call.outcome === 'no_answer') {
      return [
        {
          type: 'call_initiation_failure',
          event_timestamp: at,
          data: {
            agent_id: call.body.agent_id,
            conversation_id: call.callId,
            failure_reason: call.outcome === 'busy' ? 'busy' : 'no-answer',
            metadata: {
              type: 'twilio',
              body: { CallSid: 'CA1', CallStatus: call.outcome === 'busy' ? 'busy' : 'no-answer' },
            },
          },
        },
      ];
    }
    return [
      {
        type: 'post_call_transcription',
        event_timestamp: at,
        data: {
          agent_id: call.body.agent_id,
          conversation_id: call.callId,
          status: 'done',
          transcript: [
            { role: 'agent', message: `Hi ${call.variables.name ?? ''}` },
            { role: 'user', message: 'Hello' },
          ],
          metadata: {
            start_time_unix_secs: at,
            call_duration_secs: durationOf(call),
            cost: 420,
            termination_reason:
              call.outcome === 'voicemail' ? 'voicemail_detection tool was called.' : 'Call ended by remote party',
            phone_call: { type: 'twilio', external_number: call.to },
          },
          analysis: { call_successful: 'success' },
          conversation_initiation_client_data: call.body.conversation_initiation_client_data,
        },
      },
    ];
  }
  protected lateEvent(): unknown | null {
    return null;
  }
  protected deliver(_call: AcceptedCall, body: string) {
    return { url: this.webhookUrl, headers: { 'ElevenLabs-Signature': signElevenLabs(this.hmacSecret, body) } };
  }
}
