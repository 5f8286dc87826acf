/** What of a contact the per-status counts depend on. */
export interface StatusCountState {
  status: string;
  /** Null for a placeholder (its chunk has not arrived): not listed, so not counted either. */
  row: number | null;
}

/**
 * The change of the per-status contact counts when contacts go from `before` (absent ones count
 * nothing) to `after`. Applied under the batch lock like the counters, the stored counts always
 * equal `SELECT status, count(*) ... WHERE row IS NOT NULL GROUP BY status`.
 */
export function statusCountDelta(
  before: readonly StatusCountState[],
  after: readonly StatusCountState[],
): Map<string, number> {
  const delta = new Map<string, number>();
  const add = (state: StatusCountState, by: number) => {
    if (state.row === null || state.row === undefined) return;
    delta.set(state.status, (delta.get(state.status) ?? 0) + by);
  };
  for (const state of before) add(state, -1);
  for (const state of after) add(state, 1);
  for (const [status, n] of delta) if (n === 0) delta.delete(status);
  return delta;
}
