import { IncomingMessage } from 'node:http';

import { AcceptedCall, durationOf, FakePlatform, isE164 } from './fake-platform';

/**
 * Bolna as published: POST /call (Bearer API key) with agent_id, recipient_phone_number, user_data
 * -> 200 `{message: "done", status: "queued", execution_id}`; errors `{message}`. The agent's
 * webhook gets the execution payload on each status change (queued, initiated, ringing,
 * in-progress, call-disconnected, completed; or busy / no-answer), unsigned: the webhook URL set
 * in the dashboard carries Outdial's shared token.
 */
export class FakeBolna extends FakePlatform {
  readonly name = 'bolna';
  protected readonly createPath = '/call';

  protected authorized(request: IncomingMessage): boolean {
    return request.headers.authorization === `Bearer ${this.apiKey}`;
  }
  protected validate(body: Record<string, any>): string | undefined {
    if (typeof body.agent_id !== 'string') return 'agent_id is required';
    if (!isE164(body.recipient_phone_number)) return 'Invalid recipient_phone_number';
    return undefined;
  }
  protected to(body: Record<string, any>): string {
    return body.recipient_phone_number;
  }
  protected variablesOf(body: Record<string, any>): Record<string, string> {
    return body.user_data ?? {};
  }
  protected created(call: AcceptedCall) {
    return { status: 200, body: { message: 'done', status: 'queued', execution_id: call.callId } };
  }
  protected errorBody(_status: number, message: string): unknown {
    return { message };
  }
  private execution(call: AcceptedCall, status: string, fields: Record<string, unknown> = {}): unknown {
    return {
      id: call.callId,
      agent_id: call.body.agent_id,
      status,
      conversation_duration: 0,
      total_cost: 0,
      transcript: null,
      answered_by_voice_mail: false,
      updated_at: new Date().toISOString(),
      telephony_data: { to_number: call.to, recording_url: null, provider: 'twilio' },
      context_details: { recipient_data: call.body.user_data, recipient_phone_number: call.to },
      ...fields,
    };
  }
  protected events(call: AcceptedCall): unknown[] {
    const answered = call.outcome === 'completed' || call.outcome === 'voicemail';
    if (!answered)
      return [
        this.execution(call, 'initiated'),
        this.execution(call, 'ringing'),
        this.execution(call, call.outcome === 'busy' ? 'busy' : 'no-answer'),
      ];
    const seconds = durationOf(call);
    return [
      this.execution(call, 'initiated'),
      this.execution(call, 'ringing'),
      this.execution(call, 'in-progress'),
      this.execution(call, 'call-disconnected'),
      this.execution(call, 'completed', {
        conversation_duration: seconds,
        total_cost: seconds * 0.2,
        transcript: `assistant: Hi ${call.variables.name ?? ''}`,
        answered_by_voice_mail: call.outcome === 'voicemail',
        telephony_data: {
          to_number: call.to,
          duration: String(seconds),
          recording_url: `https://bolna-recordings.example/${call.callId}.mp3`,
          provider: 'twilio',
          hangup_by: 'Callee',
        },
      }),
    ];
  }
  protected lateEvent(call: AcceptedCall): unknown {
    return this.execution(call, 'ringing');
  }
  protected deliver(_call: AcceptedCall, _body: string) {
    return { url: this.webhookUrl, headers: {} };
  }
}
