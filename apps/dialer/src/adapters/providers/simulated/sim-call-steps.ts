import { ProviderCallEvent, ProviderEventKind } from '@outdial/contracts';

import { FAST_FAILURE_OUTCOMES } from '../../../domain/sim-call-plan';
import { SimCallRow } from './sim-call-row';

export type SimStep = { kind: 'answer' | 'end'; dueAt: Date };

/** What happens next to a simulated call, and when; null once it ended. */
export function nextSimStep(row: Pick<SimCallRow, 'state' | 'answer_due_at' | 'end_due_at'>): SimStep | null {
  switch (row.state) {
    case 'ringing':
      return row.answer_due_at ? { kind: 'answer', dueAt: row.answer_due_at } : { kind: 'end', dueAt: row.end_due_at };
    case 'answered':
      return { kind: 'end', dueAt: row.end_due_at };
    case 'ended':
      return null;
  }
}

/**
 * The status callback the carrier sends for the state a call just reached; null when it stays
 * silent (a planned `timeout`: the callback that never comes). The id makes a re-sent callback a
 * duplicate for JetStream and for the dialer.
 */
export function simProviderEvent(row: SimCallRow): ProviderCallEvent | null {
  const kind: ProviderEventKind = row.state === 'ringing' ? 'ringing' : row.state === 'answered' ? 'answered' : 'ended';
  const base = {
    event_id: `sim:${row.call_id}:${kind}`,
    provider: 'simulated' as const,
    provider_call_id: row.call_id,
    attempt_id: row.attempt_id,
    kind,
  };
  switch (row.state) {
    case 'ringing':
      return { ...base, at: row.placed_at.toISOString() };
    case 'answered':
      return { ...base, at: (row.answered_at ?? row.placed_at).toISOString() };
    case 'ended': {
      if (row.outcome === 'timeout') return null;
      const event: ProviderCallEvent = {
        ...base,
        outcome: row.outcome,
        at: (row.ended_at ?? row.placed_at).toISOString(),
        duration_seconds: Math.max(0, row.duration_seconds ?? 0),
      };
      if (FAST_FAILURE_OUTCOMES.includes(row.outcome))
        event.failure_reason = `simulated carrier reported ${row.outcome}`;
      return event;
    }
  }
}
