import { createHmac } from 'node:crypto';
import { IncomingMessage } from 'node:http';

import { AcceptedCall, durationOf, FakePlatform, isE164 } from './fake-platform';

/**
 * Bland as published: POST /v1/calls with the API key as `authorization` (no scheme), phone_number,
 * pathway_id or task, request_data, metadata, webhook -> 200 `{status: "success", call_id}`; errors
 * `{status: "error", message, errors}`. When the call ends Bland POSTs the call details to the
 * call's `webhook`, with X-Webhook-Signature = hex HMAC-SHA256(signing secret, body).
 */
export class FakeBland extends FakePlatform {
  readonly name = 'bland';
  protected readonly createPath = '/v1/calls';
  /** The account's webhook signing secret. */
  signingSecret = '';

  protected authorized(request: IncomingMessage): boolean {
    return request.headers.authorization === this.apiKey;
  }
  protected validate(body: Record<string, any>): string | undefined {
    if (!isE164(body.phone_number)) return 'Invalid phone_number';
    if (typeof body.pathway_id !== 'string' && typeof body.task !== 'string') return 'Missing task or pathway_id';
    return undefined;
  }
  protected to(body: Record<string, any>): string {
    return body.phone_number;
  }
  protected variablesOf(body: Record<string, any>): Record<string, string> {
    return body.request_data ?? {};
  }
  protected created(call: AcceptedCall) {
    return {
      status: 200,
      body: { status: 'success', message: 'Call successfully queued.', call_id: call.callId, batch_id: null },
    };
  }
  protected errorBody(status: number, message: string): unknown {
    return { status: 'error', message, errors: [message] };
  }
  protected events(call: AcceptedCall): unknown[] {
    const answered = call.outcome === 'completed' || call.outcome === 'voicemail';
    const seconds = answered ? durationOf(call) : 0;
    return [
      {
        call_id: call.callId,
        c_id: call.callId,
        to: call.to,
        from: '+15550001111',
        completed: true,
        status: call.outcome === 'busy' ? 'busy' : call.outcome === 'no_answer' ? 'no-answer' : 'completed',
        answered_by:
          call.outcome === 'voicemail'
            ? 'voicemail'
            : call.outcome === 'no_answer'
              ? 'no-answer'
              : answered
                ? 'human'
                : null,
        call_length: seconds / 60,
        corrected_duration: String(seconds),
        end_at: new Date().toISOString(),
        recording_url: answered ? `https://server.bland.example/recordings/${call.callId}.mp3` : null,
        concatenated_transcript: answered ? `assistant: Hi ${call.variables.name ?? ''}` : '',
        price: answered ? Math.round(seconds * 0.0015 * 10000) / 10000 : 0,
        metadata: call.body.metadata,
        variables: call.body.request_data,
        error_message: null,
      },
    ];
  }
  protected lateEvent(): unknown | null {
    return null;
  }
  protected deliver(call: AcceptedCall, body: string) {
    return {
      url: call.body.webhook as string,
      headers: { 'X-Webhook-Signature': createHmac('sha256', this.signingSecret).update(body).digest('hex') },
    };
  }
}
