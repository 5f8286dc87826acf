import { CallOutcome, UnrecoverableReason } from '@outdial/contracts';

/**
 * An attempt ended with `outcome`: a `v1.call.finished` event (which has these fields), or a
 * release that never reported back, ended `timeout` by the recover-lost-releases use case.
 */
export interface RecordCallOutcomeCommand {
  batch_id: string;
  contact_id: string;
  /** The attempt number (1-based) the result is for; a result of another attempt changes nothing. */
  attempt: number;
  outcome: CallOutcome;
  /** Set by the dialer when no later attempt of the batch can succeed: the batch ends `failed` (SPEC §4). */
  unrecoverable_reason?: UnrecoverableReason;
}

/** Several attempt results applied together (one transaction); each keeps its own settlement. */
export interface RecordCallOutcomesCommand {
  results: RecordCallOutcomeCommand[];
}

/**
 * What became of one result of the group, at the same index: `applied` (changed the contact),
 * `skipped` (a repeated or late result, or one of a deleted batch: nothing to do, ack it), or
 * `error` (not applied: e.g. `NotKnownYetError` for a batch not registered yet; settle it as a
 * handler error).
 */
export type RecordCallOutcomeResult = { kind: 'applied' } | { kind: 'skipped' } | { kind: 'error'; error: unknown };
