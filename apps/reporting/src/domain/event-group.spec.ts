import { costUnits, decisionToRecord, firstPerKey, laterInstant } from './event-group';

describe('decisionToRecord', () => {
  const decision = (over: Record<string, unknown> = {}) => ({
    version: 3,
    status: 'queued' as const,
    final: false,
    next_retry_at: '2025-01-01T10:05:00.000Z',
    ...over,
  });

  it('ignores a decision that is not newer than the stored one', () => {
    expect(decisionToRecord(3, decision(), 'running')).toBeNull();
    expect(decisionToRecord(4, decision(), 'running')).toBeNull();
  });

  it('records a newer decision as it is in a batch that is not cancelled', () => {
    expect(decisionToRecord(2, decision(), 'running')).toEqual({
      status: 'queued',
      final: false,
      nextRetryAt: '2025-01-01T10:05:00.000Z',
    });
  });

  it('records a waiting decision of a cancelled batch as cancelled (SPEC §4), never a call or a final outcome', () => {
    expect(decisionToRecord(2, decision(), 'cancelled')).toEqual({
      status: 'cancelled',
      final: true,
      nextRetryAt: null,
    });
    expect(decisionToRecord(2, decision({ status: 'pending', next_retry_at: undefined }), 'cancelled')).toEqual({
      status: 'cancelled',
      final: true,
      nextRetryAt: null,
    });
    expect(decisionToRecord(2, decision({ status: 'dialing', next_retry_at: undefined }), 'cancelled')).toEqual({
      status: 'dialing',
      final: false,
      nextRetryAt: null,
    });
    expect(decisionToRecord(2, decision({ status: 'completed', final: true }), 'cancelled')).toMatchObject({
      status: 'completed',
      final: true,
    });
  });
});

describe('firstPerKey, laterInstant, costUnits', () => {
  it('keeps the first item of each key, in order', () => {
    expect(firstPerKey(['a1', 'b1', 'a2', 'c1', 'b2'], (s) => s[0])).toEqual(['a1', 'b1', 'c1']);
  });

  it('takes the later instant, unknown being neither', () => {
    expect(laterInstant(null, '2025-01-01T10:00:00Z')).toBe('2025-01-01T10:00:00Z');
    expect(laterInstant('2025-01-01T10:00:00Z', undefined)).toBe('2025-01-01T10:00:00Z');
    expect(laterInstant('2025-01-01T10:00:00Z', '2025-01-01T09:00:00Z')).toBe('2025-01-01T10:00:00Z');
    const d = new Date('2025-01-01T11:00:00Z');
    expect(laterInstant('2025-01-01T10:00:00Z', d)).toBe(d);
  });

  it('sums costs exactly in ten-thousandths', () => {
    expect(costUnits(0.0135) + costUnits(0.027) + costUnits(0.0015)).toBe(420);
    expect(costUnits(0)).toBe(0);
  });
});
