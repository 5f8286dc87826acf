import { retriesScheduledMessage, statusActivity } from './batch-activity';

describe('statusActivity', () => {
  it.each([
    ['scheduled', 'running', undefined, undefined, 'started', 'started at its scheduled time'],
    ['paused', 'running', undefined, 'token tok_1 (admin)', 'resumed', 'resumed by token tok_1 (admin)'],
    ['running', 'paused', undefined, 'token tok_1 (owner)', 'paused', 'paused by token tok_1 (owner)'],
    [
      'running',
      'paused',
      'auto-paused: 10 attempts in a row ended agent_error (limit 10)',
      'circuit breaker',
      'auto_paused',
      'auto-paused: 10 attempts in a row ended agent_error (limit 10)',
    ],
    ['pending', 'scheduled', 'rescheduled', 'token t (admin)', 'rescheduled', 'rescheduled by token t (admin)'],
    ['running', 'cancelled', undefined, 'token t (admin)', 'cancelled', 'cancelled by token t (admin)'],
    ['running', 'completed', undefined, undefined, 'completed', 'completed: every contact is final'],
    ['paused', 'failed', 'agent bot was deleted', 'agent deleted', 'failed', 'failed: agent bot was deleted'],
  ])('%s -> %s (%s, %s) is %s', (previous, status, reason, actor, kind, message) => {
    expect(statusActivity(previous, status, reason, actor)).toEqual({ kind, message });
  });
});

describe('retriesScheduledMessage', () => {
  it('says how many retries a minute scheduled, by outcome', () => {
    expect(retriesScheduledMessage({ count: 3, by_outcome: { busy: 2, no_answer: 1 } })).toBe(
      '3 retries scheduled (busy: 2, no_answer: 1)',
    );
    expect(retriesScheduledMessage({ count: 1, by_outcome: { failed: 1 } })).toBe('1 retry scheduled (failed: 1)');
  });
});
