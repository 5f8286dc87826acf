import {
  AttemptState,
  decideProviderEvent,
  IgnoreReason,
  ProviderEventFacts,
  shouldAwaitDialRecord,
  shouldHangUpOnVerdict,
} from './attempt-transitions';

/** What the group plan needs of the attempt (as read once for the whole group). */
export interface GroupedAttemptState extends AttemptState {
  hangup_on_machine: boolean;
}

/** One event of the attempt in the group, in the order the group holds them. */
export interface GroupedEventFacts extends ProviderEventFacts {
  /** JetStream's delivery count of the event's message (1 = first). */
  deliveryCount: number;
}

/**
 * What the group does with one event of an attempt:
 * - `ignore`: changes nothing (the late-event table's ignore rows);
 * - `advance` / `end`: folded into the attempt's one guarded write of the group;
 * - `wait`: the attempt is not recorded as dialing yet (`shouldAwaitDialRecord`): the message is
 *   redelivered a little later (TransientError), nothing changes;
 * - `alone`: applied on its own afterwards by the one-event path (ApplyProviderEventUseCase):
 *   AMD verdicts kept or settling a held report, an answer that must hang up on a machine, and
 *   every later event of the same attempt in the group (so they still apply in order, after it).
 */
export type GroupedEventStep =
  | { kind: 'ignore'; reason: IgnoreReason }
  | { kind: 'advance'; to: 'ringing' | 'in_progress' }
  | { kind: 'end'; outcome: NonNullable<AttemptState['outcome']>; hold: boolean }
  | { kind: 'wait' }
  | { kind: 'alone' };

/**
 * Plans the events of ONE attempt within a group of provider events: each is decided with the
 * late-event table (`decideProviderEvent`) on the attempt as the earlier events of the group leave
 * it in memory, exactly as if they had been applied one after another under the row lock. Pure.
 * The caller writes the net effect of the `advance` / `end` steps as one write guarded by the state
 * read (a miss: every event of the attempt is applied again alone, in order); `ignore` steps hold
 * only if that write (if any) succeeds.
 */
export function planAttemptEvents(
  attempt: GroupedAttemptState,
  events: readonly GroupedEventFacts[],
): GroupedEventStep[] {
  const state: GroupedAttemptState = { ...attempt };
  const steps: GroupedEventStep[] = [];
  let alone = false;
  for (const event of events) {
    if (alone) {
      steps.push({ kind: 'alone' });
      continue;
    }
    if (shouldAwaitDialRecord(state.status, event.deliveryCount)) {
      // Changes nothing: the next events are decided on the same state (each waits on its own).
      steps.push({ kind: 'wait' });
      continue;
    }
    const decision = decideProviderEvent(state, event);
    switch (decision.kind) {
      case 'ignore':
        steps.push(decision);
        break;
      case 'advance':
        if (shouldHangUpOnVerdict(state, event, decision)) {
          alone = true;
          steps.push({ kind: 'alone' });
          break;
        }
        state.status = decision.to;
        state.answered_by = state.answered_by ?? event.answered_by ?? null;
        steps.push(decision);
        break;
      case 'end':
        state.status = 'ended';
        state.outcome = decision.outcome;
        state.answered_by = state.answered_by ?? event.answered_by ?? null;
        state.report_held = decision.hold;
        steps.push(decision);
        break;
      default:
        // record_verdict, settle: the one-event path (AMD hold / settle logic unchanged).
        alone = true;
        steps.push({ kind: 'alone' });
    }
  }
  return steps;
}
