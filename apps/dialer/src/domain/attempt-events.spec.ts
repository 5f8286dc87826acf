import { DialRequest, parsePayload, Subjects } from '@outdial/contracts';

import { callDeclinedEvent, callFinishedEvent, callStartedEvent, talkSeconds } from './attempt-events';
import { AttemptRecord, newAttempt } from './attempt-record';

const base: AttemptRecord = {
  attempt_id: 'att-1',
  contact_id: 'c-1',
  attempt: 2,
  batch_id: 'b-1',
  org_id: 'org-1',
  provider: 'simulated',
  provider_call_id: null,
  status: 'admitted',
  outcome: null,
  requested_at: new Date('2025-01-01T10:00:00Z'),
  started_at: null,
  answered_at: null,
  ended_at: null,
  duration_seconds: null,
  failure_reason: null,
  recording_url: null,
  transcript: null,
  lease_expires_at: new Date('2025-01-01T10:10:30Z'),
  timeout_seconds: 600,
  admitted_by: null,
  admitted_at: null,
  answered_by: null,
  hangup_on_machine: false,
  report_held_until: null,
};

describe('callStartedEvent', () => {
  it('builds a valid call-started event with a deterministic id', () => {
    const event = callStartedEvent({
      ...base,
      status: 'dialing',
      provider_call_id: 'sim-1',
      started_at: new Date('2025-01-01T10:00:01Z'),
    });
    expect(event.subject).toBe(Subjects.callStarted);
    expect(event.payload).toEqual({
      event_id: 'call-started:att-1',
      org_id: 'org-1',
      attempt_id: 'att-1',
      batch_id: 'b-1',
      contact_id: 'c-1',
      attempt: 2,
      provider: 'simulated',
      provider_call_id: 'sim-1',
      started_at: '2025-01-01T10:00:01.000Z',
    });
    expect(() => parsePayload(Subjects.callStarted, JSON.parse(JSON.stringify(event.payload)))).not.toThrow();
  });

  it('refuses an attempt that has not started', () => {
    expect(() => callStartedEvent(base)).toThrow(/not started/);
  });
});

describe('callFinishedEvent', () => {
  it('builds a valid call-finished event with every known field', () => {
    const event = callFinishedEvent({
      ...base,
      status: 'ended',
      outcome: 'completed',
      provider_call_id: 'sim-1',
      started_at: new Date('2025-01-01T10:00:01Z'),
      answered_at: new Date('2025-01-01T10:00:04Z'),
      ended_at: new Date('2025-01-01T10:00:34Z'),
      duration_seconds: 30,
      recording_url: 'https://r/1',
    });
    expect(event.subject).toBe(Subjects.callFinished);
    expect(event.payload).toMatchObject({
      event_id: 'call-finished:att-1',
      outcome: 'completed',
      answered_at: '2025-01-01T10:00:04.000Z',
      ended_at: '2025-01-01T10:00:34.000Z',
      duration_seconds: 30,
      recording_url: 'https://r/1',
    });
    expect(event.payload).not.toHaveProperty('failure_reason');
    expect(() => parsePayload(Subjects.callFinished, JSON.parse(JSON.stringify(event.payload)))).not.toThrow();
  });

  it('leaves out what is unknown (an attempt that never reached the provider)', () => {
    const event = callFinishedEvent({
      ...base,
      status: 'ended',
      outcome: 'failed',
      ended_at: new Date('2025-01-01T10:00:00Z'),
      failure_reason: 'provider not available',
    });
    expect(event.payload).toEqual({
      event_id: 'call-finished:att-1',
      org_id: 'org-1',
      attempt_id: 'att-1',
      batch_id: 'b-1',
      contact_id: 'c-1',
      attempt: 2,
      provider: 'simulated',
      outcome: 'failed',
      ended_at: '2025-01-01T10:00:00.000Z',
      duration_seconds: 0,
      failure_reason: 'provider not available',
    });
    expect(() => parsePayload(Subjects.callFinished, JSON.parse(JSON.stringify(event.payload)))).not.toThrow();
  });

  it('carries unrecoverable_reason when the attempt ended for a reason no later attempt gets past (issue 15)', () => {
    for (const reason of ['provider_not_configured', 'agent_not_found'] as const) {
      const event = callFinishedEvent({
        ...base,
        status: 'ended',
        outcome: reason === 'agent_not_found' ? 'agent_error' : 'failed',
        ended_at: new Date('2025-01-01T10:00:00Z'),
        failure_reason: 'why',
        unrecoverable_reason: reason,
      });
      expect(event.payload.unrecoverable_reason).toBe(reason);
      expect(() => parsePayload(Subjects.callFinished, JSON.parse(JSON.stringify(event.payload)))).not.toThrow();
    }
    const ordinary = callFinishedEvent({
      ...base,
      status: 'ended',
      outcome: 'busy',
      ended_at: new Date('2025-01-01T10:00:00Z'),
      unrecoverable_reason: null,
    });
    expect(ordinary.payload).not.toHaveProperty('unrecoverable_reason');
  });

  it('refuses an attempt that has not ended', () => {
    expect(() => callFinishedEvent({ ...base, status: 'in_progress' })).toThrow(/not ended/);
  });

  it('refuses an attempt whose report is held for its AMD verdict', () => {
    const ended = {
      ...base,
      status: 'ended' as const,
      outcome: 'completed' as const,
      ended_at: new Date('2025-01-01T10:00:20Z'),
      duration_seconds: 18,
    };
    expect(() => callFinishedEvent({ ...ended, report_held_until: new Date('2025-01-01T10:00:40Z') })).toThrow(
      /held for its AMD verdict/,
    );
    expect(callFinishedEvent(ended).payload.outcome).toBe('completed');
  });
});

describe('talkSeconds', () => {
  it('is the time from answer to end, never negative, 0 when unanswered', () => {
    expect(talkSeconds(new Date(1000), new Date(3500))).toBe(2.5);
    expect(talkSeconds(new Date(3500), new Date(1000))).toBe(0);
    expect(talkSeconds(null, new Date(1000))).toBe(0);
  });
});

const request: DialRequest = {
  event_id: 'dial-1',
  org_id: 'org-1',
  attempt_id: 'att-1',
  batch_id: 'b-1',
  contact_id: 'c-1',
  attempt: 2,
  phone: '+14155550101',
  from_number: '+12025550100',
  agent_id: 'agent-1',
  provider: 'twilio',
  variables: {},
  timeout_seconds: 60,
  requested_at: '2025-01-01T10:00:00.000Z',
};

describe('callDeclinedEvent', () => {
  it('is a valid call-declined, one per release (its id carries requested_at)', () => {
    const event = callDeclinedEvent(request, 'outside_window', new Date('2025-01-01T10:00:01Z'));
    expect(event.subject).toBe(Subjects.callDeclined);
    expect(parsePayload(Subjects.callDeclined, event.payload)).toMatchObject({
      event_id: `call-declined:att-1:${Date.parse(request.requested_at)}`,
      org_id: 'org-1',
      attempt_id: 'att-1',
      batch_id: 'b-1',
      contact_id: 'c-1',
      attempt: 2,
      reason: 'outside_window',
      at: '2025-01-01T10:00:01.000Z',
    });
    const rereleased = callDeclinedEvent(
      { ...request, requested_at: '2025-01-01T11:00:00.000Z' },
      'outside_window',
      new Date(),
    );
    expect(rereleased.payload.event_id).not.toBe(event.payload.event_id);
  });
});

describe('newAttempt', () => {
  it("takes the request's identity and the admission's instant, replica and lease", () => {
    const admittedAt = new Date('2025-01-01T10:00:02Z');
    const leaseExpiresAt = new Date('2025-01-01T10:01:32Z');
    expect(newAttempt(request, { admittedAt, admittedBy: 'replica-a', leaseExpiresAt })).toEqual({
      attempt_id: 'att-1',
      contact_id: 'c-1',
      attempt: 2,
      batch_id: 'b-1',
      org_id: 'org-1',
      provider: 'twilio',
      agent_id: 'agent-1',
      requested_at: new Date('2025-01-01T10:00:00Z'),
      lease_expires_at: leaseExpiresAt,
      timeout_seconds: 60,
      admitted_by: 'replica-a',
      admitted_at: admittedAt,
    });
  });
});
