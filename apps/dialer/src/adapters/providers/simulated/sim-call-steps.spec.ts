import { parsePayload, Subjects } from '@outdial/contracts';

import { SimCallRow } from './sim-call-row';
import { nextSimStep, simProviderEvent } from './sim-call-steps';

const placed = new Date('2025-01-01T10:00:00Z');
const row: SimCallRow = {
  call_id: 'sim-1',
  attempt_id: 'att-1',
  to_phone: '+12025550123',
  outcome: 'completed',
  placed_at: placed,
  answer_due_at: new Date('2025-01-01T10:00:03Z'),
  end_due_at: new Date('2025-01-01T10:00:33Z'),
  state: 'ringing',
  answered_at: null,
  ended_at: null,
  duration_seconds: null,
};

describe('nextSimStep', () => {
  it('answers a ringing call that will be answered', () => {
    expect(nextSimStep(row)).toEqual({ kind: 'answer', dueAt: row.answer_due_at });
  });
  it('ends a ringing call nobody answers', () => {
    expect(nextSimStep({ ...row, answer_due_at: null })).toEqual({ kind: 'end', dueAt: row.end_due_at });
  });
  it('ends an answered call', () => {
    expect(nextSimStep({ ...row, state: 'answered' })).toEqual({ kind: 'end', dueAt: row.end_due_at });
  });
  it('has nothing left for an ended call', () => {
    expect(nextSimStep({ ...row, state: 'ended' })).toBeNull();
  });
});

describe('simProviderEvent', () => {
  const valid = (event: object | null) => parsePayload(Subjects.providerEvent, JSON.parse(JSON.stringify(event)));

  it('sends ringing when placed', () => {
    const event = simProviderEvent(row);
    expect(event).toEqual({
      event_id: 'sim:sim-1:ringing',
      provider: 'simulated',
      provider_call_id: 'sim-1',
      attempt_id: 'att-1',
      kind: 'ringing',
      at: '2025-01-01T10:00:00.000Z',
    });
    expect(() => valid(event)).not.toThrow();
  });

  it('sends answered with the answer time', () => {
    const event = simProviderEvent({ ...row, state: 'answered', answered_at: new Date('2025-01-01T10:00:03.500Z') });
    expect(event).toMatchObject({ event_id: 'sim:sim-1:answered', kind: 'answered', at: '2025-01-01T10:00:03.500Z' });
    expect(() => valid(event)).not.toThrow();
  });

  it('sends ended with the outcome and the real talk time', () => {
    const event = simProviderEvent({
      ...row,
      state: 'ended',
      ended_at: new Date('2025-01-01T10:00:40Z'),
      duration_seconds: 36.5,
    });
    expect(event).toEqual({
      event_id: 'sim:sim-1:ended',
      provider: 'simulated',
      provider_call_id: 'sim-1',
      attempt_id: 'att-1',
      kind: 'ended',
      outcome: 'completed',
      at: '2025-01-01T10:00:40.000Z',
      duration_seconds: 36.5,
    });
    expect(() => valid(event)).not.toThrow();
  });

  it('gives a failure reason for network failures only', () => {
    const ended = { ...row, state: 'ended' as const, ended_at: placed, duration_seconds: 0 };
    expect(simProviderEvent({ ...ended, outcome: 'carrier_error' })).toMatchObject({
      outcome: 'carrier_error',
      failure_reason: 'simulated carrier reported carrier_error',
    });
    expect(simProviderEvent({ ...ended, outcome: 'busy' })).not.toHaveProperty('failure_reason');
  });

  it('stays silent at the end of a planned timeout', () => {
    expect(simProviderEvent({ ...row, outcome: 'timeout', state: 'ended', ended_at: placed })).toBeNull();
    expect(simProviderEvent({ ...row, outcome: 'timeout' })).not.toBeNull();
  });
});
