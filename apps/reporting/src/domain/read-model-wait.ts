/** What read-your-writes waits on: one batch's applied status change and how many contacts arrived. */
export interface ReadModelState {
  /** The `at` of the last status change applied; null before any. */
  status_at: Date | null;
  /** Contacts the batch announced (batch_ingested). */
  total_calls: number;
  /** Contacts received so far (sum of the per-status counts). */
  contacts: number;
}

/** The condition a write waits for (one of them). */
export interface ReadModelCondition {
  /** The status change made at this instant (or a later one) is applied. */
  statusAt?: Date;
  /** The batch is gone. */
  deleted?: boolean;
  /** Every contact the batch announced has arrived. */
  allContacts?: boolean;
  /** The batch is there. */
  exists?: boolean;
}

/**
 * Whether the read model shows the write (read-your-writes, issue "operations you can trust"):
 * `state` undefined means the batch is not in the read model. A status change counts as applied
 * when the last applied change is at least as recent (a later change also hides the earlier one).
 */
export function readModelShows(state: ReadModelState | undefined, condition: ReadModelCondition): boolean {
  if (condition.deleted) return state === undefined;
  if (state === undefined) return false;
  if (condition.exists) return true;
  if (condition.statusAt && (state.status_at === null || state.status_at.getTime() < condition.statusAt.getTime()))
    return false;
  if (condition.allContacts && state.contacts < state.total_calls) return false;
  return true;
}
