import { statusActivity } from './batch-activity';

describe('statusActivity', () => {
  it.each([
    ['scheduled', 'running', undefined, undefined, 'started', 'started at its scheduled time'],
    ['paused', 'running', undefined, 'token tok_1 (admin)', 'resumed', 'resumed by token tok_1 (admin)'],
    ['running', 'paused', undefined, 'token tok_1 (owner)', 'paused', 'paused by token tok_1 (owner)'],
    ['running', 'paused', 'auto-paused: 10 attempts in a row ended agent_error (limit 10)', 'circuit breaker', 'auto_paused', 'auto-paused: 10 attempts in a row ended agent_error (limit 10)'],
    ['pending', 'scheduled', 'rescheduled', 'token t (admin)', 'rescheduled', 'rescheduled by token t (admin)'],
    ['running', 'cancelled', undefined, 'token t (admin)', 'cancelled', 'cancelled by token t (admin)'],
    ['running', 'completed', undefined, undefined, 'completed', 'completed: every contact is final'],
    ['paused', 'failed', 'agent bot was deleted', 'agent deleted', 'failed', 'failed: agent bot was deleted'],
  ])('%s -> %s (%s, %s) is %s', (previous, status, reason, actor, kind, message) => {
    expect(statusActivity(previous, status, reason, actor)).toEqual({ kind, message });
  });
});
