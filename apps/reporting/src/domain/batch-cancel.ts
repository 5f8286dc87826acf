import { CounterDelta, counterDelta, ZERO_DELTA } from './contact-counters';

/** Waiting contacts a batch cancel ended, grouped (see ContactReadModelRepository.cancelWaiting). */
export interface CancelledWaiting {
  /** The status they had (`pending` or `queued`). */
  status: string;
  /** Whether their chunk arrived (listed contacts count in the per-status counts). */
  listed: boolean;
  /** Whether they were dialed before (attempts > 0). */
  dialed: boolean;
  n: number;
}

/**
 * The counter and per-status count changes when waiting contacts end `cancelled` with their batch
 * (SPEC §4): each moves from its waiting status (not final) to `cancelled` (final, not completed),
 * the same before/after difference a scheduler decision would apply, so a later `cancelled`
 * decision about the same contact changes nothing.
 */
export function cancelDeltas(groups: readonly CancelledWaiting[]): {
  counters: CounterDelta;
  statusCounts: Map<string, number>;
} {
  const counters = { ...ZERO_DELTA };
  const statusCounts = new Map<string, number>();
  for (const g of groups) {
    const attempts = g.dialed ? 1 : 0;
    const one = counterDelta(
      [{ status: g.status, final: false, attempts }],
      [{ status: 'cancelled', final: true, attempts }],
    );
    counters.final += one.final * g.n;
    counters.completed += one.completed * g.n;
    counters.failed += one.failed * g.n;
    counters.inProgress += one.inProgress * g.n;
    counters.dialedFinal += one.dialedFinal * g.n;
    if (!g.listed) continue;
    statusCounts.set(g.status, (statusCounts.get(g.status) ?? 0) - g.n);
    statusCounts.set('cancelled', (statusCounts.get('cancelled') ?? 0) + g.n);
  }
  for (const [status, n] of statusCounts) if (n === 0) statusCounts.delete(status);
  return { counters, statusCounts };
}
