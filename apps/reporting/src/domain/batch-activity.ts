/** What the activity log says about one batch status change. */
export interface StatusActivity {
  kind: string;
  message: string;
}

/**
 * The activity-log entry of a status change (SPEC §4 lifecycle): its kind and a sentence that
 * says who or what did it. `actor` is `token <id> (<role>)`, `circuit breaker`, `agent deleted`,
 * or absent for the scheduler's own steps (start at the scheduled time, completion).
 */
export function statusActivity(
  previous: string | null | undefined,
  status: string,
  reason?: string | null,
  actor?: string | null,
): StatusActivity {
  const by = actor ? ` by ${actor}` : '';
  const why = reason ? `: ${reason}` : '';
  switch (status) {
    case 'running':
      if (previous === 'paused') return { kind: 'resumed', message: `resumed${by}` };
      return { kind: 'started', message: `started${previous === 'scheduled' ? ' at its scheduled time' : ''}${by}` };
    case 'paused':
      if (actor === 'circuit breaker') return { kind: 'auto_paused', message: reason ?? 'auto-paused' };
      return { kind: 'paused', message: `paused${by}${why}` };
    case 'scheduled':
      return reason === 'rescheduled'
        ? { kind: 'rescheduled', message: `rescheduled${by}` }
        : { kind: 'scheduled', message: `scheduled${by}` };
    case 'cancelled':
      return { kind: 'cancelled', message: `cancelled${by}${why}` };
    case 'completed':
      return { kind: 'completed', message: 'completed: every contact is final' };
    case 'failed':
      return { kind: 'failed', message: `failed${why}` };
    default:
      return { kind: status, message: `${status}${by}${why}` };
  }
}

/**
 * The sentence of a per-minute `retries_scheduled` entry from its data `{count, by_outcome}`,
 * e.g. `3 retries scheduled (busy: 2, no_answer: 1)`.
 */
export function retriesScheduledMessage(data: Record<string, unknown>): string {
  const byOutcome = Object.entries((data.by_outcome ?? {}) as Record<string, number>)
    .map(([outcome, n]) => `${outcome}: ${n}`)
    .join(', ');
  const count = Number(data.count ?? 0);
  return `${count} ${count === 1 ? 'retry' : 'retries'} scheduled (${byOutcome})`;
}
