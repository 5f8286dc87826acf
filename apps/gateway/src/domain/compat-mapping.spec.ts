import { BATCH_STATUSES } from '@outdial/contracts';

import { bolnaBatchStatus, bolnaExecutionStatus, isIsoWithOffset, trilletSettings } from './compat-mapping';

describe('compatibility mappings', () => {
  it('every Outdial batch status maps into the Bolna-style set', () => {
    const allowed = ['scheduled', 'queued', 'running', 'paused', 'completed', 'stopped'];
    expect(BATCH_STATUSES.map((s) => [s, bolnaBatchStatus(s)])).toEqual([
      ['pending', 'queued'],
      ['scheduled', 'scheduled'],
      ['running', 'running'],
      ['paused', 'paused'],
      ['completed', 'completed'],
      ['failed', 'stopped'],
      ['cancelled', 'stopped'],
    ]);
    for (const s of BATCH_STATUSES) expect(allowed).toContain(bolnaBatchStatus(s));
  });

  it('execution status from the attempt outcome', () => {
    expect(bolnaExecutionStatus({ outcome: null, status: 'in_progress' })).toBe('in-progress');
    expect(bolnaExecutionStatus({ outcome: 'completed', status: 'completed' })).toBe('completed');
    expect(bolnaExecutionStatus({ outcome: 'no_answer', status: 'failed' })).toBe('no-answer');
    expect(bolnaExecutionStatus({ outcome: 'busy', status: 'failed' })).toBe('busy');
    expect(bolnaExecutionStatus({ outcome: 'carrier_error', status: 'failed' })).toBe('failed');
  });

  it('scheduled_at must carry a time zone', () => {
    expect(isIsoWithOffset('2024-06-01T04:10:00+05:30')).toBe(true);
    expect(isIsoWithOffset('2024-06-01T04:10:00Z')).toBe(true);
    expect(isIsoWithOffset('2024-06-01T04:10:00.123-0700')).toBe(true);
    expect(isIsoWithOffset('2024-06-01T04:10:00')).toBe(false);
    expect(isIsoWithOffset('2024-13-01T04:10:00Z')).toBe(false);
    expect(isIsoWithOffset('tomorrow')).toBe(false);
  });

  it('Trillet camelCase fields become the native names', () => {
    expect(trilletSettings({ agentId: 'a', fromNumber: '+12025550100', maxAttempts: 2, concurrency: 3 })).toEqual({
      agent_id: 'a',
      from_number: '+12025550100',
      max_attempts: 2,
      concurrency: 3,
    });
  });
});
