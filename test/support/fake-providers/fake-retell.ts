import { createHmac } from 'node:crypto';
import { IncomingMessage } from 'node:http';

import { AcceptedCall, durationOf, FakePlatform, isE164 } from './fake-platform';

const END: Record<string, string> = {
  completed: 'user_hangup',
  busy: 'dial_busy',
  voicemail: 'voicemail_reached',
  no_answer: 'dial_no_answer',
};

/** x-retell-signature as Retell's SDK computes it: v=<ms>,d=<hex HMAC-SHA256(api key, body + ms)>. */
export function signRetell(apiKey: string, body: string, timestampMs = Date.now()): string {
  return `v=${timestampMs},d=${createHmac('sha256', apiKey)
    .update(body + timestampMs)
    .digest('hex')}`;
}

/**
 * Retell as its API reference publishes it: POST /v2/create-phone-call (Bearer API key) with
 * from_number, to_number, override_agent_id, retell_llm_dynamic_variables, metadata -> 201 call
 * object `{call_id, call_status: "registered", ...}`; errors `{status, message}`. Webhooks `{event,
 * call}`: call_started (only when connected), call_ended, call_analyzed, signed with the API key.
 */
export class FakeRetell extends FakePlatform {
  readonly name = 'retell';
  protected readonly createPath = '/v2/create-phone-call';

  protected authorized(request: IncomingMessage): boolean {
    return request.headers.authorization === `Bearer ${this.apiKey}`;
  }
  protected validate(body: Record<string, any>): string | undefined {
    if (!isE164(body.from_number)) return 'from_number must be a valid E.164 number';
    if (!isE164(body.to_number)) return 'to_number must be a valid E.164 number';
    if (typeof body.override_agent_id !== 'string') return 'override_agent_id must be a string';
    return undefined;
  }
  protected to(body: Record<string, any>): string {
    return body.to_number;
  }
  protected variablesOf(body: Record<string, any>): Record<string, string> {
    return body.retell_llm_dynamic_variables ?? {};
  }
  protected created(call: AcceptedCall) {
    return {
      status: 201,
      body: {
        call_type: 'phone_call',
        call_id: call.callId,
        agent_id: call.body.override_agent_id,
        call_status: 'registered',
        from_number: call.body.from_number,
        to_number: call.body.to_number,
        direction: 'outbound',
        metadata: call.body.metadata,
        retell_llm_dynamic_variables: call.body.retell_llm_dynamic_variables,
      },
    };
  }
  protected errorBody(status: number, message: string): unknown {
    return { status: 'error', message };
  }
  private callObject(call: AcceptedCall, fields: Record<string, unknown>): Record<string, unknown> {
    return {
      call_type: 'phone_call',
      call_id: call.callId,
      agent_id: call.body.override_agent_id,
      from_number: call.body.from_number,
      to_number: call.body.to_number,
      direction: 'outbound',
      metadata: call.body.metadata,
      retell_llm_dynamic_variables: call.body.retell_llm_dynamic_variables,
      ...fields,
    };
  }
  protected events(call: AcceptedCall): unknown[] {
    const answered = call.outcome === 'completed' || call.outcome === 'voicemail';
    const start = Date.now();
    const ms = answered ? durationOf(call) * 1000 : 0;
    const ended = this.callObject(call, {
      call_status: answered ? 'ended' : 'error',
      disconnection_reason: END[call.outcome],
      start_timestamp: start,
      end_timestamp: start + ms,
      duration_ms: ms,
      ...(answered
        ? {
            transcript: `Agent: Hi ${call.variables.name ?? ''}`,
            recording_url: `https://dxc03zgurdly9.retell.example/${call.callId}/recording.wav`,
            call_cost: { combined_cost: Math.round(ms / 1000) * 0.2 },
          }
        : {}),
    });
    return [
      ...(answered
        ? [{ event: 'call_started', call: this.callObject(call, { call_status: 'ongoing', start_timestamp: start }) }]
        : []),
      { event: 'call_ended', call: ended },
      { event: 'call_analyzed', call: { ...ended, call_analysis: { call_successful: answered } } },
    ];
  }
  protected endEventIndex(events: unknown[]): number {
    return events.length - 2; // call_ended; call_analyzed follows
  }
  protected lateEvent(call: AcceptedCall): unknown {
    return {
      event: 'call_started',
      call: this.callObject(call, { call_status: 'ongoing', start_timestamp: Date.now() }),
    };
  }
  protected deliver(_call: AcceptedCall, body: string) {
    return { url: this.webhookUrl, headers: { 'x-retell-signature': signRetell(this.apiKey, body) } };
  }
}
