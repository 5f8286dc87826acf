import { AMD_VERDICTS, ATTEMPT_STATUSES, AttemptStatus, CALL_OUTCOMES } from '@outdial/contracts';

import {
  AttemptState,
  decideProviderEvent,
  decideTransition,
  MAX_DELIVERIES_AWAITING_DIAL_RECORD,
  outcomeWithVerdict,
  ProviderEventFacts,
  reportHeldUntil,
  shouldAwaitDialRecord,
  shouldHangUpOnVerdict,
  StatusEventKind,
} from './attempt-transitions';

const STATUS_EVENTS: StatusEventKind[] = ['ringing', 'answered', 'ended'];

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
    for (const event of STATUS_EVENTS)
      expect(decideTransition('ended', event)).toEqual({ kind: 'ignore', reason: 'terminal' });
  });

  it('never moves an attempt backwards', () => {
    const order: AttemptStatus[] = [...ATTEMPT_STATUSES];
    for (const from of ATTEMPT_STATUSES) {
      for (const event of STATUS_EVENTS) {
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
    for (const status of ['dialing', 'ringing', 'in_progress', 'ended'] as const)
      expect(shouldAwaitDialRecord(status, 1)).toBe(false);
  });
});

describe('late provider events: the table in attempt-transitions.ts, row by row', () => {
  const open = (
    status: AttemptStatus = 'in_progress',
    answered_by: AttemptState['answered_by'] = null,
  ): AttemptState => ({ status, outcome: null, answered_by, report_held: false });
  const held: AttemptState = { status: 'ended', outcome: 'completed', answered_by: null, report_held: true };
  const reported = (outcome: AttemptState['outcome'] = 'completed'): AttemptState => ({
    status: 'ended',
    outcome,
    answered_by: null,
    report_held: false,
  });
  const completed: ProviderEventFacts = { kind: 'ended', outcome: 'completed' };
  const verdict = (answered_by: ProviderEventFacts['answered_by']): ProviderEventFacts => ({
    kind: 'amd_verdict',
    answered_by,
  });

  it('O1: ringing / answered move an open attempt forward', () => {
    expect(decideProviderEvent(open('dialing'), { kind: 'ringing' })).toEqual({ kind: 'advance', to: 'ringing' });
    expect(decideProviderEvent(open('ringing'), { kind: 'answered', answered_by: 'human' })).toEqual({
      kind: 'advance',
      to: 'in_progress',
    });
  });

  it('O2: a repeated or backward ringing / answered changes nothing', () => {
    expect(decideProviderEvent(open('in_progress'), { kind: 'answered' })).toEqual({
      kind: 'ignore',
      reason: 'repeated',
    });
    expect(decideProviderEvent(open('in_progress'), { kind: 'ringing' })).toEqual({ kind: 'ignore', reason: 'stale' });
  });

  it('O3: a verdict during the call is recorded, not applied yet', () => {
    for (const status of ['admitted', 'dialing', 'ringing', 'in_progress'] as const)
      expect(decideProviderEvent(open(status), verdict('machine_end_beep'))).toEqual({ kind: 'record_verdict' });
  });

  it('O4: a second verdict during the call changes nothing (the first wins)', () => {
    expect(decideProviderEvent(open('in_progress', 'human'), verdict('machine_start'))).toEqual({
      kind: 'ignore',
      reason: 'repeated',
    });
  });

  it('O5: completed after a machine or fax verdict ends voicemail, reported at once', () => {
    for (const machine of [
      'machine_start',
      'machine_end_beep',
      'machine_end_silence',
      'machine_end_other',
      'fax',
    ] as const) {
      expect(decideProviderEvent(open('in_progress', machine), { ...completed, awaits_amd_verdict: true })).toEqual({
        kind: 'end',
        outcome: 'voicemail',
        hold: false,
      });
    }
  });

  it('O6: completed after a human or unknown verdict ends completed, reported at once', () => {
    expect(decideProviderEvent(open('in_progress', 'human'), { ...completed, awaits_amd_verdict: true })).toEqual({
      kind: 'end',
      outcome: 'completed',
      hold: false,
    });
    expect(decideProviderEvent(open('in_progress', 'unknown'), { ...completed, awaits_amd_verdict: true })).toEqual({
      kind: 'end',
      outcome: 'completed',
      hold: false,
    });
  });

  it('O7: completed without any verdict while one is owed ends completed with the report held', () => {
    expect(decideProviderEvent(open('in_progress'), { ...completed, awaits_amd_verdict: true })).toEqual({
      kind: 'end',
      outcome: 'completed',
      hold: true,
    });
  });

  it('O8: completed of a call without async AMD (or carrying its AnsweredBy) is reported at once', () => {
    expect(decideProviderEvent(open('in_progress'), completed)).toEqual({
      kind: 'end',
      outcome: 'completed',
      hold: false,
    });
    expect(
      decideProviderEvent(open('in_progress'), { ...completed, awaits_amd_verdict: true, answered_by: 'human' }),
    ).toEqual({ kind: 'end', outcome: 'completed', hold: false });
    expect(
      decideProviderEvent(open('in_progress'), { kind: 'ended', outcome: 'voicemail', answered_by: 'machine_start' }),
    ).toEqual({ kind: 'end', outcome: 'voicemail', hold: false });
  });

  it('O9: any other end is reported at once with its own outcome (no answer: no verdict will come)', () => {
    for (const outcome of CALL_OUTCOMES.filter((o) => o !== 'completed')) {
      expect(decideProviderEvent(open('ringing'), { kind: 'ended', outcome, awaits_amd_verdict: true })).toEqual({
        kind: 'end',
        outcome,
        hold: false,
      });
    }
  });

  it('H1: a machine or fax verdict after the held completed revises it to voicemail', () => {
    expect(decideProviderEvent(held, verdict('machine_end_beep'))).toEqual({ kind: 'settle', outcome: 'voicemail' });
    expect(decideProviderEvent(held, verdict('fax'))).toEqual({ kind: 'settle', outcome: 'voicemail' });
  });

  it('H2: a human or unknown verdict after the held completed confirms it', () => {
    expect(decideProviderEvent(held, verdict('human'))).toEqual({ kind: 'settle', outcome: 'completed' });
    expect(decideProviderEvent(held, verdict('unknown'))).toEqual({ kind: 'settle', outcome: 'completed' });
  });

  it('H3: a second end while held changes nothing', () => {
    expect(decideProviderEvent(held, completed)).toEqual({ kind: 'ignore', reason: 'repeated' });
    expect(decideProviderEvent(held, { kind: 'ended', outcome: 'busy' })).toEqual({
      kind: 'ignore',
      reason: 'repeated',
    });
  });

  it('H4: ringing / answered while held change nothing', () => {
    expect(decideProviderEvent(held, { kind: 'ringing' })).toEqual({ kind: 'ignore', reason: 'stale' });
    expect(decideProviderEvent(held, { kind: 'answered', answered_by: 'machine_start' })).toEqual({
      kind: 'ignore',
      reason: 'stale',
    });
  });

  // H5 (no verdict within the wait: report completed) is time, not an event: twilio-async-amd.int-spec.

  it('F1: a verdict after the outcome was reported is too late, whatever it says', () => {
    for (const answeredBy of AMD_VERDICTS) {
      for (const outcome of ['completed', 'voicemail', 'busy', 'timeout'] as const)
        expect(decideProviderEvent(reported(outcome), verdict(answeredBy))).toEqual({
          kind: 'ignore',
          reason: 'too_late',
        });
    }
  });

  it('F2: a second end after the outcome was reported changes nothing (also a completed after a reaper timeout)', () => {
    expect(decideProviderEvent(reported('completed'), completed)).toEqual({ kind: 'ignore', reason: 'terminal' });
    expect(decideProviderEvent(reported('completed'), { kind: 'ended', outcome: 'busy' })).toEqual({
      kind: 'ignore',
      reason: 'terminal',
    });
    expect(decideProviderEvent(reported('timeout'), { ...completed, awaits_amd_verdict: true })).toEqual({
      kind: 'ignore',
      reason: 'terminal',
    });
  });

  it('F3: ringing / answered after the outcome was reported change nothing', () => {
    expect(decideProviderEvent(reported(), { kind: 'ringing' })).toEqual({ kind: 'ignore', reason: 'terminal' });
    expect(decideProviderEvent(reported(), { kind: 'answered' })).toEqual({ kind: 'ignore', reason: 'terminal' });
  });

  it('applies each decision once: replaying any event on the state it left changes nothing more', () => {
    // The state an applied decision leaves, as the use case writes it.
    const after = (state: AttemptState, event: ProviderEventFacts): AttemptState => {
      const d = decideProviderEvent(state, event);
      switch (d.kind) {
        case 'advance':
          return { ...state, status: d.to };
        case 'record_verdict':
          return { ...state, answered_by: event.answered_by ?? null };
        case 'end':
          return {
            ...state,
            status: 'ended',
            outcome: d.outcome,
            report_held: d.hold,
            answered_by: state.answered_by ?? event.answered_by ?? null,
          };
        case 'settle':
          return { ...state, outcome: d.outcome, report_held: false, answered_by: event.answered_by ?? null };
        case 'ignore':
          return state;
      }
    };
    const events: ProviderEventFacts[] = [
      { kind: 'ringing' },
      { kind: 'answered' },
      { ...completed, awaits_amd_verdict: true },
      completed,
      verdict('machine_end_beep'),
      verdict('human'),
    ];
    const starts = [open('dialing'), open('in_progress'), open('in_progress', 'machine_start'), held, reported()];
    for (const start of starts) {
      for (const event of events) {
        const once = after(start, event);
        expect([start, event, decideProviderEvent(once, event).kind]).toEqual([start, event, 'ignore']);
      }
    }
  });
});

describe('outcomeWithVerdict', () => {
  it('turns only an answered call into voicemail, only for machine and fax verdicts', () => {
    expect(outcomeWithVerdict('completed', 'machine_end_silence')).toBe('voicemail');
    expect(outcomeWithVerdict('completed', 'human')).toBe('completed');
    expect(outcomeWithVerdict('completed', null)).toBe('completed');
    expect(outcomeWithVerdict('busy', 'machine_start')).toBe('busy');
  });
});

describe('reportHeldUntil', () => {
  const now = Date.parse('2026-01-01T10:00:00Z');
  it('waits the configured time from now', () => {
    expect(reportHeldUntil(now, 20, new Date(now + 600_000)).toISOString()).toBe('2026-01-01T10:00:20.000Z');
  });
  it("never past the attempt's lease, so the scheduler hears of it before giving the release up", () => {
    expect(reportHeldUntil(now, 20, new Date(now + 5_000)).toISOString()).toBe('2026-01-01T10:00:05.000Z');
  });
  it('no wait once the lease is over', () => {
    expect(reportHeldUntil(now, 20, new Date(now - 1_000)).getTime()).toBe(now);
  });
});

describe('shouldHangUpOnVerdict (agent config hangup_on_machine)', () => {
  const wants = { hangup_on_machine: true, answered_by: null };
  const verdict = (answered_by: ProviderEventFacts['answered_by']): ProviderEventFacts => ({
    kind: 'amd_verdict',
    answered_by,
  });
  it('hangs up on the first machine or fax verdict during the call', () => {
    expect(shouldHangUpOnVerdict(wants, verdict('machine_start'), { kind: 'record_verdict' })).toBe(true);
    expect(shouldHangUpOnVerdict(wants, verdict('fax'), { kind: 'record_verdict' })).toBe(true);
    expect(
      shouldHangUpOnVerdict(
        wants,
        { kind: 'answered', answered_by: 'machine_start' },
        { kind: 'advance', to: 'in_progress' },
      ),
    ).toBe(true);
  });
  it('not for a human or unknown verdict, not when the agent did not ask, not twice, not after the end', () => {
    expect(shouldHangUpOnVerdict(wants, verdict('human'), { kind: 'record_verdict' })).toBe(false);
    expect(shouldHangUpOnVerdict(wants, verdict('unknown'), { kind: 'record_verdict' })).toBe(false);
    expect(
      shouldHangUpOnVerdict({ hangup_on_machine: false, answered_by: null }, verdict('machine_start'), {
        kind: 'record_verdict',
      }),
    ).toBe(false);
    expect(
      shouldHangUpOnVerdict({ hangup_on_machine: true, answered_by: 'machine_start' }, verdict('machine_start'), {
        kind: 'ignore',
        reason: 'repeated',
      }),
    ).toBe(false);
    expect(shouldHangUpOnVerdict(wants, verdict('machine_end_beep'), { kind: 'settle', outcome: 'voicemail' })).toBe(
      false,
    );
    expect(shouldHangUpOnVerdict(wants, verdict('machine_end_beep'), { kind: 'ignore', reason: 'too_late' })).toBe(
      false,
    );
  });
});
