import { CallOutcome } from '@outdial/contracts';

export type SimCallState = 'ringing' | 'answered' | 'ended';

/** One call of the simulated carrier: a row of the dialer schema's `sim_calls`. */
export interface SimCallRow {
  call_id: string;
  attempt_id: string;
  to_phone: string;
  /** The planned outcome, decided when the call was placed. */
  outcome: CallOutcome;
  placed_at: Date;
  /** null when nobody picks up. */
  answer_due_at: Date | null;
  /** Planned end; moved to answered_at + talk time when the answer actually happens. */
  end_due_at: Date;
  state: SimCallState;
  answered_at: Date | null;
  /** When the carrier actually emitted the end. */
  ended_at: Date | null;
  duration_seconds: number | null;
}
