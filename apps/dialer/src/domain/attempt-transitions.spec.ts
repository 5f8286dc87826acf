import { ATTEMPT_STATUSES, AttemptStatus, PROVIDER_EVENT_KINDS } from '@outdial/contracts';
import { decideTransition, MAX_DELIVERIES_AWAITING_DIAL_RECORD, shouldAwaitDialRecord } from './attempt-transitions';

describe('decideTransition', () => {
  it.each([
    ['admitted', 'ringing', 'ringing'],
    ['dialing', 'ringing', 'ringing'],
    ['ringing', 'answered', 'in_progress'],
    ['in_progress', 'ended', 'ended'],
  ] as const)('%s + %s -> %s', (from, event, to) => {
    expect(decideTransition(from, event)).toEqual({ kind: 'apply', to });
  });

  it('lets steps be skipped', () => {
    expect(decideTransition('dialing', 'answered')).toEqual({ kind: 'apply', to: 'in_progress' });
    expect(decideTransition('dialing', 'ended')).toEqual({ kind: 'apply', to: 'ended' });
    expect(decideTransition('ringing', 'ended')).toEqual({ kind: 'apply', to: 'ended' });
    expect(decideTransition('admitted', 'ended')).toEqual({ kind: 'apply', to: 'ended' });
  });

  it('ignores repeated events', () => {
    expect(decideTransition('ringing', 'ringing')).toEqual({ kind: 'ignore', reason: 'repeated' });
    expect(decideTransition('in_progress', 'answered')).toEqual({ kind: 'ignore', reason: 'repeated' });
  });

  it('ignores events that arrive after a later one', () => {
    expect(decideTransition('in_progress', 'ringing')).toEqual({ kind: 'ignore', reason: 'stale' });
  });

  it('never leaves ended, whatever arrives', () => {
    for (const event of PROVIDER_EVENT_KINDS) expect(decideTransition('ended', event)).toEqual({ kind: 'ignore', reason: 'terminal' });
  });

  it('never moves an attempt backwards', () => {
    const order: AttemptStatus[] = [...ATTEMPT_STATUSES];
    for (const from of ATTEMPT_STATUSES) {
      for (const event of PROVIDER_EVENT_KINDS) {
        const decision = decideTransition(from, event);
        if (decision.kind === 'apply') expect(order.indexOf(decision.to)).toBeGreaterThan(order.indexOf(from));
      }
    }
  });
});

describe('shouldAwaitDialRecord', () => {
  it('waits a few deliveries for an admitted attempt, then applies anyway', () => {
    expect(shouldAwaitDialRecord('admitted', 1)).toBe(true);
    expect(shouldAwaitDialRecord('admitted', MAX_DELIVERIES_AWAITING_DIAL_RECORD)).toBe(true);
    expect(shouldAwaitDialRecord('admitted', MAX_DELIVERIES_AWAITING_DIAL_RECORD + 1)).toBe(false);
  });

  it('never waits once the dial is recorded', () => {
    for (const status of ['dialing', 'ringing', 'in_progress', 'ended'] as const) expect(shouldAwaitDialRecord(status, 1)).toBe(false);
  });
});
