import { createHmac } from 'node:crypto';

import { CallOutcome, parsePayload, Subjects } from '@outdial/contracts';

import { BLAND_END_REASONS, blandEndReason, blandWebhook } from './bland-webhook';
import { BOLNA_END_REASONS, bolnaWebhook } from './bolna-webhook';
import { ELEVENLABS_END_REASONS, elevenlabsWebhook } from './elevenlabs-webhook';
import { EndReasonTable, outcomeOf, WebhookRequest } from './platform-webhook';
import { RETELL_END_REASONS, retellWebhook } from './retell-webhook';
import { VAPI_END_REASONS, vapiWebhook } from './vapi-webhook';

const at = new Date('2026-01-01T10:00:00Z');
const NOW = at.getTime();
const valid = (event: object | null) => parsePayload(Subjects.providerEvent, JSON.parse(JSON.stringify(event)));
const request = (
  rawBody: string,
  headers: Record<string, string> = {},
  query: Record<string, string> = {},
): WebhookRequest => ({ rawBody, headers, query, nowMs: NOW, toleranceSeconds: 300 });

/** Every row of a table, written out independently; every exact entry of the table must be listed. */
function tableRows(name: string, table: EndReasonTable, rows: [string, CallOutcome][]): void {
  describe(`${name} end reasons -> outcomes`, () => {
    it.each(rows)('%s -> %s', (reason, outcome) => expect(outcomeOf(table, reason)).toBe(outcome));
    it('lists every exact entry of the table', () => {
      const listed = new Set(rows.map(([reason]) => reason));
      expect(Object.keys(table.exact).filter((reason) => !listed.has(reason))).toEqual([]);
    });
    it('an unknown reason is failed', () => expect(outcomeOf(table, 'something-new-' + name)).toBe('failed'));
  });
}

tableRows('vapi', VAPI_END_REASONS, [
  ['customer-ended-call', 'completed'],
  ['assistant-ended-call', 'completed'],
  ['assistant-said-end-call-phrase', 'completed'],
  ['assistant-ended-call-after-message-spoken', 'completed'],
  ['assistant-ended-call-with-hangup-task', 'completed'],
  ['assistant-forwarded-call', 'completed'],
  ['exceeded-max-duration', 'completed'],
  ['silence-timed-out', 'completed'],
  ['customer-busy', 'busy'],
  ['customer-did-not-answer', 'no_answer'],
  ['voicemail', 'voicemail'],
  ['twilio-reported-customer-misdialed', 'invalid_number'],
  ['twilio-failed-to-connect-call', 'carrier_error'],
  ['vonage-failed-to-connect-call', 'carrier_error'],
  ['vonage-rejected', 'blocked'],
  ['phone-call-provider-closed-websocket', 'carrier_error'],
  ['phone-call-provider-bypass-enabled-but-no-call-received', 'carrier_error'],
  ['assistant-not-found', 'agent_error'],
  ['assistant-not-valid', 'agent_error'],
  ['assistant-not-provided', 'agent_error'],
  ['assistant-error', 'agent_error'],
  ['assistant-join-timed-out', 'agent_error'],
  ['assistant-request-failed', 'agent_error'],
  ['assistant-request-returned-error', 'agent_error'],
  ['manually-canceled', 'failed'],
  ['call.in-progress.error-providerfault-outbound-sip-404-not-found', 'invalid_number'],
  ['call.in-progress.error-providerfault-outbound-sip-403-forbidden', 'blocked'],
  ['call.in-progress.error-sip-outbound-call-failed-to-connect', 'carrier_error'],
  ['call.start.error-get-assistant', 'agent_error'],
  ['pipeline-error-openai-llm-failed', 'agent_error'],
]);

tableRows('retell', RETELL_END_REASONS, [
  ['user_hangup', 'completed'],
  ['agent_hangup', 'completed'],
  ['call_transfer', 'completed'],
  ['inactivity', 'completed'],
  ['max_duration_reached', 'completed'],
  ['voicemail_reached', 'voicemail'],
  ['ivr_reached', 'voicemail'],
  ['dial_busy', 'busy'],
  ['user_declined', 'busy'],
  ['dial_no_answer', 'no_answer'],
  ['dial_failed', 'carrier_error'],
  ['invalid_destination', 'invalid_number'],
  ['telephony_provider_permission_denied', 'blocked'],
  ['marked_as_spam', 'blocked'],
  ['scam_detected', 'blocked'],
  ['telephony_provider_unavailable', 'carrier_error'],
  ['sip_routing_error', 'carrier_error'],
  ['concurrency_limit_reached', 'failed'],
  ['no_valid_payment', 'agent_error'],
  ['registered_call_timeout', 'agent_error'],
  ['error_llm_websocket_open', 'agent_error'],
  ['error_llm_websocket_lost_connection', 'agent_error'],
  ['error_llm_websocket_runtime', 'agent_error'],
  ['error_llm_websocket_corrupt_payload', 'agent_error'],
  ['error_no_audio_received', 'agent_error'],
  ['error_asr', 'agent_error'],
  ['error_retell', 'agent_error'],
  ['error_unknown', 'agent_error'],
  ['error_user_not_joined', 'agent_error'],
  ['error_something_new', 'agent_error'],
]);

tableRows('elevenlabs', ELEVENLABS_END_REASONS, [
  ['busy', 'busy'],
  ['no-answer', 'no_answer'],
  ['no_answer', 'no_answer'],
  ['unknown', 'failed'],
  ['invalid-number', 'invalid_number'],
  ['conversation', 'completed'],
  ['voicemail', 'voicemail'],
  ['Voicemail detected by the voicemail_detection tool', 'voicemail'],
]);

tableRows('bland', BLAND_END_REASONS, [
  ['completed', 'completed'],
  ['human', 'completed'],
  ['voicemail', 'voicemail'],
  ['busy', 'busy'],
  ['no-answer', 'no_answer'],
  ['failed', 'carrier_error'],
  ['canceled', 'failed'],
  ['call_error', 'agent_error'],
  ['blocked', 'blocked'],
  ['invalid-number', 'invalid_number'],
  ['Invalid phone number provided', 'invalid_number'],
  ['Number is on your blocked list', 'blocked'],
]);

tableRows('bolna', BOLNA_END_REASONS, [
  ['completed', 'completed'],
  ['completed-voicemail', 'voicemail'],
  ['completed-no-conversation', 'no_answer'],
  ['busy', 'busy'],
  ['no-answer', 'no_answer'],
  ['failed', 'carrier_error'],
  ['canceled', 'failed'],
  ['stopped', 'failed'],
  ['balance-low', 'agent_error'],
  ['error', 'agent_error'],
]);

describe('vapi webhook', () => {
  const report = {
    message: {
      type: 'end-of-call-report',
      timestamp: NOW,
      endedReason: 'customer-ended-call',
      durationSeconds: 42.5,
      cost: 0.31,
      artifact: { recordingUrl: 'https://rec.example/1.wav', transcript: 'AI: hi Ada' },
      call: { id: 'vc-1', metadata: { outdial_attempt_id: 'c1:1' } },
    },
  };
  it('authenticates with X-Vapi-Secret and refuses stale, unsigned or wrong ones', () => {
    const raw = JSON.stringify(report);
    expect(vapiWebhook.verify(request(raw, { 'x-vapi-secret': 's3' }), { webhook_secret: 's3' })).toEqual({ ok: true });
    expect(vapiWebhook.verify(request(raw), { webhook_secret: 's3' }).ok).toBe(false);
    expect(vapiWebhook.verify(request(raw, { 'x-vapi-secret': 'nope' }), { webhook_secret: 's3' }).ok).toBe(false);
    expect(vapiWebhook.verify(request(raw, { 'x-vapi-secret': 's3' }), {}).ok).toBe(false);
    const stale = JSON.stringify({ message: { ...report.message, timestamp: NOW - 301_000 } });
    expect(vapiWebhook.verify(request(stale, { 'x-vapi-secret': 's3' }), { webhook_secret: 's3' })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/stale/),
    });
  });
  it('maps status updates and the end-of-call report', () => {
    const status = (s: string) =>
      vapiWebhook.toEvent(
        {
          message: {
            type: 'status-update',
            status: s,
            timestamp: NOW,
            call: { id: 'vc-1', metadata: { outdial_attempt_id: 'c1:1' } },
          },
        },
        at,
      );
    expect(status('ringing')).toEqual({
      provider: 'vapi',
      provider_call_id: 'vc-1',
      attempt_id: 'c1:1',
      event_id: 'vc-1:ringing'.replace(/^/, 'vapi:'),
      kind: 'ringing',
      at: at.toISOString(),
    });
    expect(status('in-progress')).toMatchObject({ kind: 'answered' });
    expect(status('queued')).toBeNull();
    expect(status('ended')).toBeNull();
    const ended = vapiWebhook.toEvent(report, at);
    expect(ended).toMatchObject({
      kind: 'ended',
      outcome: 'completed',
      duration_seconds: 42.5,
      cost: 0.31,
      recording_url: 'https://rec.example/1.wav',
      transcript: 'AI: hi Ada',
      event_id: 'vapi:vc-1:ended',
    });
    expect(ended).not.toHaveProperty('failure_reason');
    expect(() => valid(ended)).not.toThrow();
    expect(vapiWebhook.toEvent({ message: { ...report.message, endedReason: 'customer-busy' } }, at)).toMatchObject({
      outcome: 'busy',
      failure_reason: 'vapi customer-busy',
    });
  });
});

describe('retell webhook', () => {
  const key = 'key_retell';
  const sign = (raw: string, ts: number) =>
    `v=${ts},d=${createHmac('sha256', key)
      .update(raw + ts)
      .digest('hex')}`;
  const ended = {
    event: 'call_ended',
    call: {
      call_id: 'rc-1',
      disconnection_reason: 'user_hangup',
      duration_ms: 31_500,
      end_timestamp: NOW,
      recording_url: 'https://rec.example/r.wav',
      transcript: 'Agent: hi',
      call_cost: { combined_cost: 12.5 },
      metadata: { outdial_attempt_id: 'c2:1' },
    },
  };
  it('verifies x-retell-signature with the API key, refusing replays and forgeries', () => {
    const raw = JSON.stringify(ended);
    expect(retellWebhook.verify(request(raw, { 'x-retell-signature': sign(raw, NOW) }), { api_key: key })).toEqual({
      ok: true,
    });
    expect(
      retellWebhook.verify(request(raw, { 'x-retell-signature': sign(raw, NOW - 400_000) }), { api_key: key }).ok,
    ).toBe(false);
    expect(
      retellWebhook.verify(request(raw.replace('31500', '1'), { 'x-retell-signature': sign(raw, NOW) }), {
        api_key: key,
      }).ok,
    ).toBe(false);
    expect(retellWebhook.verify(request(raw), { api_key: key }).ok).toBe(false);
  });
  it('maps call_started, call_ended (cents to USD) and ignores call_analyzed', () => {
    expect(
      retellWebhook.toEvent(
        {
          event: 'call_started',
          call: { call_id: 'rc-1', start_timestamp: NOW, metadata: { outdial_attempt_id: 'c2:1' } },
        },
        at,
      ),
    ).toMatchObject({ kind: 'answered', attempt_id: 'c2:1' });
    const event = retellWebhook.toEvent(ended, at);
    expect(event).toMatchObject({
      kind: 'ended',
      outcome: 'completed',
      duration_seconds: 31.5,
      cost: 0.125,
      recording_url: 'https://rec.example/r.wav',
    });
    expect(() => valid(event)).not.toThrow();
    expect(retellWebhook.toEvent({ ...ended, event: 'call_analyzed' }, at)).toBeNull();
  });
});

describe('elevenlabs webhook', () => {
  const secret = 'wsec_el';
  const sign = (raw: string, t: number) =>
    `t=${t},v0=${createHmac('sha256', secret).update(`${t}.${raw}`).digest('hex')}`;
  const transcription = {
    type: 'post_call_transcription',
    event_timestamp: NOW / 1000,
    data: {
      agent_id: 'a',
      conversation_id: 'conv-1',
      transcript: [
        { role: 'agent', message: 'Hi Ada' },
        { role: 'user', message: 'Hello' },
      ],
      metadata: { call_duration_secs: 20 },
      conversation_initiation_client_data: { dynamic_variables: { outdial_attempt_id: 'c3:1' } },
    },
  };
  it('verifies ElevenLabs-Signature and refuses stale timestamps', () => {
    const raw = JSON.stringify(transcription);
    expect(
      elevenlabsWebhook.verify(request(raw, { 'elevenlabs-signature': sign(raw, NOW / 1000) }), {
        webhook_secret: secret,
      }),
    ).toEqual({ ok: true });
    expect(
      elevenlabsWebhook.verify(request(raw, { 'elevenlabs-signature': sign(raw, NOW / 1000 - 400) }), {
        webhook_secret: secret,
      }).ok,
    ).toBe(false);
    expect(
      elevenlabsWebhook.verify(request(raw, { 'elevenlabs-signature': sign(raw, NOW / 1000) }), {
        webhook_secret: 'other',
      }).ok,
    ).toBe(false);
  });
  it('maps the transcription and the initiation failure (named by conversation id only)', () => {
    const done = elevenlabsWebhook.toEvent(transcription, at);
    expect(done).toMatchObject({
      attempt_id: 'c3:1',
      outcome: 'completed',
      duration_seconds: 20,
      transcript: 'agent: Hi Ada\nuser: Hello',
    });
    expect(() => valid(done)).not.toThrow();
    const failure = elevenlabsWebhook.toEvent(
      {
        type: 'call_initiation_failure',
        event_timestamp: NOW / 1000,
        data: {
          agent_id: 'a',
          conversation_id: 'conv-2',
          failure_reason: 'busy',
          metadata: { type: 'twilio', body: {} },
        },
      },
      at,
    );
    expect(failure).toMatchObject({ attempt_id: '', provider_call_id: 'conv-2', outcome: 'busy' });
    expect(() => valid(failure)).not.toThrow();
    expect(elevenlabsWebhook.toEvent({ type: 'post_call_audio', data: {} }, at)).toBeNull();
  });
});

describe('bland webhook', () => {
  const secret = 'bland_sign';
  const body = {
    call_id: 'bc-1',
    status: 'completed',
    completed: true,
    answered_by: 'human',
    corrected_duration: '33',
    call_length: 0.55,
    recording_url: 'https://rec.example/b.mp3',
    concatenated_transcript: 'hi',
    price: 0.05,
    metadata: { outdial_attempt_id: 'c4:1' },
  };
  it('verifies X-Webhook-Signature over the raw body', () => {
    const raw = JSON.stringify(body);
    expect(
      blandWebhook.verify(
        request(raw, { 'x-webhook-signature': createHmac('sha256', secret).update(raw).digest('hex') }),
        { webhook_secret: secret },
      ),
    ).toEqual({ ok: true });
    expect(blandWebhook.verify(request(raw, { 'x-webhook-signature': 'ab' }), { webhook_secret: secret }).ok).toBe(
      false,
    );
    expect(blandWebhook.verify(request(raw), { webhook_secret: secret }).ok).toBe(false);
  });
  it('derives the end reason and maps it', () => {
    expect(blandEndReason('completed', 'voicemail', undefined)).toBe('voicemail');
    expect(blandEndReason('busy', null as unknown as undefined, undefined)).toBe('busy');
    const event = blandWebhook.toEvent(body, at);
    expect(event).toMatchObject({
      outcome: 'completed',
      duration_seconds: 33,
      cost: 0.05,
      recording_url: 'https://rec.example/b.mp3',
      attempt_id: 'c4:1',
    });
    expect(() => valid(event)).not.toThrow();
    expect(blandWebhook.toEvent({ ...body, answered_by: 'voicemail' }, at)).toMatchObject({ outcome: 'voicemail' });
    expect(
      blandWebhook.toEvent(
        { ...body, status: 'no-answer', answered_by: null, corrected_duration: undefined, call_length: 0 },
        at,
      ),
    ).toMatchObject({ outcome: 'no_answer', duration_seconds: 0 });
  });
});

describe('bolna webhook', () => {
  const execution = {
    id: 'ex-1',
    status: 'completed',
    conversation_duration: 25,
    transcript: 'hi',
    telephony_data: { recording_url: 'https://rec.example/x.mp3' },
    context_details: { recipient_data: { outdial_attempt_id: 'c5:1' } },
  };
  it('authenticates the shared token of the webhook URL', () => {
    expect(bolnaWebhook.verify(request('{}', {}, { token: 'tok' }), { webhook_secret: 'tok' })).toEqual({ ok: true });
    expect(bolnaWebhook.verify(request('{}', {}, { token: 'bad' }), { webhook_secret: 'tok' }).ok).toBe(false);
    expect(bolnaWebhook.verify(request('{}'), { webhook_secret: 'tok' }).ok).toBe(false);
  });
  it('maps the status lifecycle; completed without conversation is no_answer', () => {
    expect(bolnaWebhook.toEvent({ ...execution, status: 'queued' }, at)).toBeNull();
    expect(bolnaWebhook.toEvent({ ...execution, status: 'call-disconnected' }, at)).toBeNull();
    expect(bolnaWebhook.toEvent({ ...execution, status: 'ringing' }, at)).toMatchObject({
      kind: 'ringing',
      attempt_id: 'c5:1',
    });
    const event = bolnaWebhook.toEvent(execution, at);
    expect(event).toMatchObject({
      kind: 'ended',
      outcome: 'completed',
      duration_seconds: 25,
      recording_url: 'https://rec.example/x.mp3',
    });
    expect(() => valid(event)).not.toThrow();
    expect(bolnaWebhook.toEvent({ ...execution, answered_by_voice_mail: true }, at)).toMatchObject({
      outcome: 'voicemail',
    });
    expect(bolnaWebhook.toEvent({ ...execution, conversation_duration: 0 }, at)).toMatchObject({
      outcome: 'no_answer',
    });
  });
});
