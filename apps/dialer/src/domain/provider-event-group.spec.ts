import { GroupedAttemptState, GroupedEventFacts, planAttemptEvents } from './provider-event-group';

const open = (over: Partial<GroupedAttemptState> = {}): GroupedAttemptState => ({
  status: 'dialing',
  outcome: null,
  answered_by: null,
  report_held: false,
  hangup_on_machine: false,
  ...over,
});
const ev = (kind: GroupedEventFacts['kind'], over: Partial<GroupedEventFacts> = {}): GroupedEventFacts => ({
  kind,
  deliveryCount: 1,
  ...over,
});

describe('planAttemptEvents (the events of one attempt within a group)', () => {
  it('ringing, answered, ended in order: each applies on the state the previous one left', () => {
    expect(planAttemptEvents(open(), [ev('ringing'), ev('answered'), ev('ended', { outcome: 'completed' })])).toEqual([
      { kind: 'advance', to: 'ringing' },
      { kind: 'advance', to: 'in_progress' },
      { kind: 'end', outcome: 'completed', hold: false },
    ]);
  });

  it('a duplicate in the group is ignored as repeated, an event after the end as terminal (O2, F2, F3)', () => {
    expect(
      planAttemptEvents(open(), [
        ev('ringing'),
        ev('ringing'),
        ev('ended', { outcome: 'busy' }),
        ev('ended', { outcome: 'busy' }),
        ev('answered'),
      ]),
    ).toEqual([
      { kind: 'advance', to: 'ringing' },
      { kind: 'ignore', reason: 'repeated' },
      { kind: 'end', outcome: 'busy', hold: false },
      { kind: 'ignore', reason: 'terminal' },
      { kind: 'ignore', reason: 'terminal' },
    ]);
  });

  it('out of order: an answer after the end is terminal, a ringing after the answer stale', () => {
    expect(planAttemptEvents(open(), [ev('answered'), ev('ringing')])).toEqual([
      { kind: 'advance', to: 'in_progress' },
      { kind: 'ignore', reason: 'stale' },
    ]);
    expect(planAttemptEvents(open(), [ev('ended', { outcome: 'no_answer' }), ev('ringing')])).toEqual([
      { kind: 'end', outcome: 'no_answer', hold: false },
      { kind: 'ignore', reason: 'terminal' },
    ]);
  });

  it('a verdict carried by the answer decides the end (voicemail), as under the row lock', () => {
    expect(
      planAttemptEvents(open(), [
        ev('answered', { answered_by: 'machine_start' }),
        ev('ended', { outcome: 'completed' }),
      ]),
    ).toEqual([
      { kind: 'advance', to: 'in_progress' },
      { kind: 'end', outcome: 'voicemail', hold: false },
    ]);
  });

  it('an async-AMD completed without a verdict ends held (O7); the verdict then goes alone (H1)', () => {
    expect(
      planAttemptEvents(open({ status: 'in_progress' }), [
        ev('ended', { outcome: 'completed', awaits_amd_verdict: true }),
        ev('amd_verdict', { answered_by: 'machine_end_beep' }),
        ev('ringing'),
      ]),
    ).toEqual([{ kind: 'end', outcome: 'completed', hold: true }, { kind: 'alone' }, { kind: 'alone' }]);
  });

  it('a verdict on an open attempt goes alone, and every later event of the attempt after it (O3)', () => {
    expect(
      planAttemptEvents(open({ status: 'in_progress' }), [
        ev('ringing'),
        ev('amd_verdict', { answered_by: 'human' }),
        ev('ended', { outcome: 'completed' }),
      ]),
    ).toEqual([{ kind: 'ignore', reason: 'stale' }, { kind: 'alone' }, { kind: 'alone' }]);
  });

  it('an answer that must hang up on a machine goes alone', () => {
    expect(
      planAttemptEvents(open({ hangup_on_machine: true }), [ev('answered', { answered_by: 'machine_start' })]),
    ).toEqual([{ kind: 'alone' }]);
  });

  it('an event that must wait for the dial record waits (naked with its delay), changing nothing', () => {
    expect(planAttemptEvents(open({ status: 'admitted' }), [ev('ringing'), ev('ended', { outcome: 'busy' })])).toEqual([
      { kind: 'wait' },
      { kind: 'wait' },
    ]);
    // Each event waits on its own delivery count: one delivered often enough no longer waits.
    expect(
      planAttemptEvents(open({ status: 'admitted' }), [
        ev('ringing'),
        ev('ended', { outcome: 'busy', deliveryCount: 4 }),
      ]),
    ).toEqual([{ kind: 'wait' }, { kind: 'end', outcome: 'busy', hold: false }]);
    expect(planAttemptEvents(open({ status: 'admitted' }), [ev('ringing', { deliveryCount: 4 })])).toEqual([
      { kind: 'advance', to: 'ringing' },
    ]);
  });

  it('a held report: a second end is repeated, a verdict settles alone; a reported attempt ignores all (F1)', () => {
    const held = open({ status: 'ended', outcome: 'completed', report_held: true });
    expect(
      planAttemptEvents(held, [ev('ended', { outcome: 'completed' }), ev('amd_verdict', { answered_by: 'human' })]),
    ).toEqual([{ kind: 'ignore', reason: 'repeated' }, { kind: 'alone' }]);
    const reported = open({ status: 'ended', outcome: 'completed' });
    expect(planAttemptEvents(reported, [ev('amd_verdict', { answered_by: 'fax' }), ev('answered')])).toEqual([
      { kind: 'ignore', reason: 'too_late' },
      { kind: 'ignore', reason: 'terminal' },
    ]);
  });
});
