import { attemptView, historyCutoff, WebhookAttemptRow } from './webhook-attempts';

const at = new Date('2026-01-01T10:00:00.000Z');
const row = (over: Partial<WebhookAttemptRow>): WebhookAttemptRow => ({
  attempt: 1,
  started_at: at,
  duration_ms: 12,
  status_code: 200,
  error: null,
  ...over,
});

describe('attemptView', () => {
  it('a 2xx answer succeeded; any other status, or an error, failed', () => {
    expect(attemptView(row({}), true, 'delivered')).toEqual({
      attempt: 1,
      started_at: '2026-01-01T10:00:00.000Z',
      duration_ms: 12,
      status_code: 200,
      error: null,
      result: 'succeeded',
    });
    expect(attemptView(row({ status_code: 204 }), true, 'delivered').result).toBe('succeeded');
    expect(attemptView(row({ status_code: 500, error: 'HTTP 500' }), false, 'delivered')).toMatchObject({
      status_code: 500,
      error: 'HTTP 500',
      result: 'failed',
    });
    expect(attemptView(row({ status_code: 301, error: 'HTTP 301' }), true, 'pending').result).toBe('failed');
    expect(
      attemptView(row({ status_code: null, error: 'fetch failed (ECONNREFUSED)', duration_ms: 3 }), true, 'failed'),
    ).toMatchObject({ status_code: null, result: 'failed' });
  });

  it('an unfinished try is in progress while it is the latest of a pending delivery, else interrupted', () => {
    const open = row({ duration_ms: null, status_code: null });
    expect(attemptView(open, true, 'pending')).toMatchObject({ result: 'in_progress', error: null, duration_ms: null });
    expect(attemptView(open, false, 'pending')).toMatchObject({
      result: 'interrupted',
      error: 'no result recorded: the sender stopped during this try',
    });
    expect(attemptView(open, true, 'failed').result).toBe('interrupted');
    expect(attemptView(open, true, 'delivered').result).toBe('interrupted');
  });
});

describe('historyCutoff', () => {
  it('is now minus whole days', () => {
    expect(historyCutoff(at, 7).toISOString()).toBe('2025-12-25T10:00:00.000Z');
    expect(historyCutoff(at, 1).toISOString()).toBe('2025-12-31T10:00:00.000Z');
  });
});
