import { IncomingMessage } from 'node:http';

import { AcceptedCall, durationOf, FakePlatform, isE164 } from './fake-platform';

const END: Record<string, string> = {
  completed: 'customer-ended-call',
  busy: 'customer-busy',
  voicemail: 'voicemail',
  no_answer: 'customer-did-not-answer',
};

/**
 * Vapi as its API reference publishes it: POST /call (Bearer private key) with assistantId,
 * phoneNumberId, customer.number, assistantOverrides.variableValues, metadata -> 201 Call
 * `{id, status: "queued", ...}`; errors `{statusCode, message: [..], error}`. Server-URL messages
 * `{message: {type: "status-update" | "end-of-call-report", timestamp, call: {id, metadata}, ...}}`
 * with the server secret in X-Vapi-Secret.
 */
export class FakeVapi extends FakePlatform {
  readonly name = 'vapi';
  protected readonly createPath = '/call';
  /** The server credential secret configured at Vapi (sent as X-Vapi-Secret). */
  serverSecret = '';

  protected authorized(request: IncomingMessage): boolean {
    return request.headers.authorization === `Bearer ${this.apiKey}`;
  }
  protected validate(body: Record<string, any>): string | undefined {
    if (typeof body.assistantId !== 'string') return 'assistantId must be a string';
    if (typeof body.phoneNumberId !== 'string') return 'phoneNumberId must be a string';
    if (!isE164(body.customer?.number)) return 'customer.number must be a valid phone number in the E.164 format';
    return undefined;
  }
  protected to(body: Record<string, any>): string {
    return body.customer.number;
  }
  protected variablesOf(body: Record<string, any>): Record<string, string> {
    return body.assistantOverrides?.variableValues ?? {};
  }
  protected created(call: AcceptedCall) {
    return {
      status: 201,
      body: {
        id: call.callId,
        orgId: 'org',
        type: 'outboundPhoneCall',
        status: 'queued',
        assistantId: call.body.assistantId,
        phoneNumberId: call.body.phoneNumberId,
        customer: call.body.customer,
        metadata: call.body.metadata,
      },
    };
  }
  protected errorBody(status: number, message: string): unknown {
    return {
      statusCode: status,
      message: [message],
      error: status === 401 ? 'Unauthorized' : status === 429 ? 'Too Many Requests' : 'Bad Request',
    };
  }
  private message(call: AcceptedCall, fields: Record<string, unknown>): unknown {
    return {
      message: {
        timestamp: Date.now(),
        call: { id: call.callId, type: 'outboundPhoneCall', metadata: call.body.metadata },
        ...fields,
      },
    };
  }
  protected events(call: AcceptedCall): unknown[] {
    const answered = call.outcome === 'completed' || call.outcome === 'voicemail';
    const talk = answered ? durationOf(call) : 0;
    return [
      this.message(call, { type: 'status-update', status: 'ringing' }),
      ...(answered ? [this.message(call, { type: 'status-update', status: 'in-progress' })] : []),
      this.message(call, { type: 'status-update', status: 'ended', endedReason: END[call.outcome] }),
      this.message(call, {
        type: 'end-of-call-report',
        endedReason: END[call.outcome],
        durationSeconds: talk,
        cost: answered ? Math.round(talk * 0.002 * 10000) / 10000 : 0,
        endedAt: new Date().toISOString(),
        artifact: answered
          ? {
              recordingUrl: `https://storage.vapi.example/${call.callId}.wav`,
              transcript: `AI: Hi ${call.variables.name ?? ''}`,
            }
          : {},
      }),
    ];
  }
  protected lateEvent(call: AcceptedCall): unknown {
    return this.message(call, { type: 'status-update', status: 'ringing' });
  }
  protected deliver(_call: AcceptedCall, _body: string) {
    return { url: this.webhookUrl, headers: { 'X-Vapi-Secret': this.serverSecret } };
  }
}
