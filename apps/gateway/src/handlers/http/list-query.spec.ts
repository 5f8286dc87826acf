import { instantParam, intParam, listParam, oneOfIntParam, rejectUnknownParams, textParam } from './list-query';

describe('list query parameters', () => {
  it('parses integers within bounds and names the field otherwise', () => {
    expect(intParam('page', undefined, { min: 1, max: 10, default: 1 })).toBe(1);
    expect(intParam('page', '3', { min: 1, max: 10 })).toBe(3);
    expect(() => intParam('page', '0', { min: 1, max: 10 })).toThrow(/page: must be between 1 and 10/);
    expect(() => intParam('page', 'x', { min: 1, max: 10 })).toThrow(/page: must be an integer/);
    expect(() => intParam('page', ['1', '2'], { min: 1, max: 10 })).toThrow(/page: must be given once/);
  });

  it('accepts only the allowed page sizes', () => {
    expect(oneOfIntParam('page_size', undefined, [25, 50, 100], 50)).toBe(50);
    expect(oneOfIntParam('page_size', '100', [25, 50, 100], 50)).toBe(100);
    for (const bad of ['20', '101', '50.5', 'abc']) {
      expect(() => oneOfIntParam('page_size', bad, [25, 50, 100], 50)).toThrow(
        expect.objectContaining({
          code: 'validation_failed',
          details: [{ field: 'page_size', problems: ['must be one of 25, 50, 100'] }],
        }),
      );
    }
  });

  it('reads lists comma-separated or repeated, and rejects unknown values', () => {
    expect(listParam('status', 'completed,failed', ['completed', 'failed', 'queued'])).toEqual(['completed', 'failed']);
    expect(listParam('status', ['completed', 'queued'], ['completed', 'failed', 'queued'])).toEqual([
      'completed',
      'queued',
    ]);
    expect(listParam('status', ' , ', ['completed'])).toBeUndefined();
    expect(() => listParam('status', 'done', ['completed'])).toThrow(/status: unknown value\(s\) done/);
  });

  it('reads instants and dates', () => {
    expect(instantParam('from', '2025-01-02')).toBe('2025-01-02T00:00:00.000Z');
    expect(instantParam('from', '2025-01-02T10:00:00+02:00')).toBe('2025-01-02T08:00:00.000Z');
    expect(() => instantParam('to', 'yesterday')).toThrow(/to: must be an ISO 8601/);
    expect(() => instantParam('to', '2025-13-45')).toThrow(/to: must be an ISO 8601/);
  });

  it('bounds search text and rejects unknown parameters', () => {
    expect(textParam('search', '  ada ', 10)).toBe('ada');
    expect(() => textParam('search', 'x'.repeat(11), 10)).toThrow(/search: must be at most 10/);
    expect(() => rejectUnknownParams({ pagesize: '5' }, ['page', 'page_size'])).toThrow(
      /unknown query parameter\(s\) pagesize/,
    );
  });
});
