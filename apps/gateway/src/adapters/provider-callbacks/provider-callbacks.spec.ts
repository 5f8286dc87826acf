import { parsePayload, Subjects } from '@outdial/contracts';

import { CallbackFormatError, httpCallbackToEvent, twilioCallbackToEvent } from './provider-callbacks';

const at = new Date('2025-01-01T10:00:00Z');
const twilio = (params: Record<string, string>) =>
  twilioCallbackToEvent('c1:1', new Map(Object.entries({ CallSid: 'CA1', ...params })), at);
const valid = (event: object | null) => parsePayload(Subjects.providerEvent, JSON.parse(JSON.stringify(event)));

describe('twilioCallbackToEvent', () => {
  it('ignores queued and initiated', () => {
    expect(twilio({ CallStatus: 'queued' })).toBeNull();
    expect(twilio({ CallStatus: 'initiated' })).toBeNull();
  });

  it('maps ringing and in-progress', () => {
    expect(twilio({ CallStatus: 'ringing', SequenceNumber: '1' })).toEqual({
      event_id: 'twilio:CA1:ringing:1',
      provider: 'twilio',
      provider_call_id: 'CA1',
      attempt_id: 'c1:1',
      kind: 'ringing',
      at: at.toISOString(),
    });
    expect(twilio({ CallStatus: 'in-progress', Timestamp: 'Wed, 01 Jan 2025 10:00:05 +0000' })).toMatchObject({
      kind: 'answered',
      at: '2025-01-01T10:00:05.000Z',
    });
  });

  it('maps completed to completed, or voicemail when a machine answered', () => {
    const human = twilio({ CallStatus: 'completed', CallDuration: '42', AnsweredBy: 'human' });
    expect(human).toMatchObject({ kind: 'ended', outcome: 'completed', duration_seconds: 42 });
    expect(() => valid(human)).not.toThrow();
    for (const answeredBy of ['machine_start', 'machine_end_beep', 'machine_end_silence', 'machine_end_other', 'fax']) {
      expect(twilio({ CallStatus: 'completed', CallDuration: '12', AnsweredBy: answeredBy })).toMatchObject({
        outcome: 'voicemail',
      });
    }
    expect(twilio({ CallStatus: 'completed', AnsweredBy: 'unknown' })).toMatchObject({
      outcome: 'completed',
      duration_seconds: 0,
    });
  });

  it('maps the unsuccessful statuses to SPEC outcomes', () => {
    expect(twilio({ CallStatus: 'busy' })).toMatchObject({ kind: 'ended', outcome: 'busy', duration_seconds: 0 });
    expect(twilio({ CallStatus: 'no-answer' })).toMatchObject({ outcome: 'no_answer' });
    expect(twilio({ CallStatus: 'canceled' })).toMatchObject({ outcome: 'failed' });
    expect(twilio({ CallStatus: 'failed' })).toMatchObject({ outcome: 'failed', failure_reason: 'twilio failed' });
    expect(twilio({ CallStatus: 'failed', SipResponseCode: '404' })).toMatchObject({
      outcome: 'invalid_number',
      failure_reason: 'twilio failed (SIP 404)',
    });
    expect(twilio({ CallStatus: 'failed', SipResponseCode: '603' })).toMatchObject({ outcome: 'blocked' });
  });

  it('refuses callbacks without CallSid or with an unknown status', () => {
    expect(() => twilioCallbackToEvent('c1:1', new Map([['CallStatus', 'ringing']]), at)).toThrow(CallbackFormatError);
    expect(() => twilio({ CallStatus: 'exploded' })).toThrow(/unknown CallStatus exploded/);
  });

  describe('asynchronous AMD (issue 12 §4)', () => {
    const asyncAmd = (params: Record<string, string>) =>
      twilioCallbackToEvent('c1:1', new Map(Object.entries({ CallSid: 'CA1', AccountSid: 'AC1', ...params })), at, {
        asyncAmd: true,
      });

    it('marks the completed of an async-AMD call without AnsweredBy as awaiting the verdict', () => {
      const completed = asyncAmd({ CallStatus: 'completed', CallDuration: '18' });
      expect(completed).toMatchObject({
        kind: 'ended',
        outcome: 'completed',
        duration_seconds: 18,
        awaits_amd_verdict: true,
      });
      expect(() => valid(completed)).not.toThrow();
      expect(twilio({ CallStatus: 'completed', CallDuration: '18' })).not.toHaveProperty('awaits_amd_verdict');
      expect(asyncAmd({ CallStatus: 'completed', CallDuration: '18', AnsweredBy: 'human' })).not.toHaveProperty(
        'awaits_amd_verdict',
      );
      expect(asyncAmd({ CallStatus: 'busy' })).not.toHaveProperty('awaits_amd_verdict');
    });

    it('turns the verdict callback (no CallStatus) into an amd_verdict event, one id per call', () => {
      const verdict = asyncAmd({ AnsweredBy: 'machine_end_beep', MachineDetectionDuration: '2300' });
      expect(verdict).toEqual({
        event_id: 'twilio:CA1:amd',
        provider: 'twilio',
        provider_call_id: 'CA1',
        attempt_id: 'c1:1',
        kind: 'amd_verdict',
        answered_by: 'machine_end_beep',
        machine_detection_ms: 2300,
        at: at.toISOString(),
      });
      expect(() => valid(verdict)).not.toThrow();
      expect(asyncAmd({ AnsweredBy: 'human' })).toMatchObject({ kind: 'amd_verdict', answered_by: 'human' });
    });

    it('keeps AnsweredBy on answered and completed callbacks', () => {
      expect(twilio({ CallStatus: 'in-progress', AnsweredBy: 'machine_start' })).toMatchObject({
        kind: 'answered',
        answered_by: 'machine_start',
      });
      expect(twilio({ CallStatus: 'completed', AnsweredBy: 'fax' })).toMatchObject({
        outcome: 'voicemail',
        answered_by: 'fax',
      });
    });

    it('does not refuse an AnsweredBy value Twilio may add later', () => {
      expect(asyncAmd({ AnsweredBy: 'machine_end_voicebox' })).toMatchObject({ answered_by: 'machine_end_other' });
      expect(twilio({ CallStatus: 'completed', AnsweredBy: 'robot' })).toMatchObject({
        outcome: 'completed',
        answered_by: 'unknown',
      });
    });

    it('refuses a callback with neither CallStatus nor AnsweredBy, and a bad MachineDetectionDuration', () => {
      expect(() => asyncAmd({})).toThrow(/CallStatus is missing/);
      expect(() => asyncAmd({ AnsweredBy: 'human', MachineDetectionDuration: 'soon' })).toThrow(
        expect.objectContaining({ field: 'MachineDetectionDuration' }),
      );
    });
  });
});

describe('httpCallbackToEvent', () => {
  it('accepts only status events from http platforms', () => {
    expect(() => httpCallbackToEvent({ call_id: 'c1:1', event: 'amd_verdict' }, at)).toThrow(
      /event must be one of ringing, answered, ended/,
    );
  });

  it('maps an ended event with its outcome and details', () => {
    const event = httpCallbackToEvent(
      {
        call_id: 'c1:1',
        event: 'ended',
        outcome: 'voicemail',
        duration_seconds: 7.5,
        transcript: 'hi',
        at: '2025-01-01T10:01:00Z',
      },
      at,
    );
    expect(event).toEqual({
      event_id: 'http:c1:1:ended',
      provider: 'http',
      provider_call_id: 'c1:1',
      attempt_id: 'c1:1',
      kind: 'ended',
      outcome: 'voicemail',
      duration_seconds: 7.5,
      transcript: 'hi',
      at: '2025-01-01T10:01:00.000Z',
    });
    expect(() => valid(event)).not.toThrow();
  });

  it("keeps the platform's own call id and event id when given", () => {
    expect(
      httpCallbackToEvent({ call_id: 'c1:1', provider_call_id: 'vx-9', event: 'answered', event_id: 'e7' }, at),
    ).toMatchObject({ event_id: 'http:c1:1:e7', provider_call_id: 'vx-9', at: at.toISOString() });
  });

  it('refuses what it cannot understand, naming the field', () => {
    const field = (body: unknown) => {
      try {
        httpCallbackToEvent(body, at);
        return 'accepted';
      } catch (error) {
        return (error as CallbackFormatError).field;
      }
    };
    expect(field([])).toBe('(body)');
    expect(field({ event: 'ended', outcome: 'completed' })).toBe('call_id');
    expect(field({ call_id: 'c', event: 'hangup' })).toBe('event');
    expect(field({ call_id: 'c', event: 'ended' })).toBe('outcome');
    expect(field({ call_id: 'c', event: 'ended', outcome: 'great' })).toBe('outcome');
    expect(field({ call_id: 'c', event: 'ended', outcome: 'busy', duration_seconds: -1 })).toBe('duration_seconds');
    expect(field({ call_id: 'c', event: 'ringing', at: 'soon' })).toBe('at');
  });
});
