export type RetryPlan = { kind: 'retry'; at: Date } | { kind: 'expired' };

/**
 * When a retry may happen: `delaySeconds` after `now`, pushed to the next moment the contact's
 * calling window is open (`nextCallable`, null = never), and never after the batch's `end_time`.
 */
export function planRetry(
  now: Date,
  delaySeconds: number,
  nextCallable: (at: Date) => Date | null,
  endTime?: Date | null,
): RetryPlan {
  const due = new Date(now.getTime() + delaySeconds * 1000);
  const at = nextCallable(due);
  if (at === null) return { kind: 'expired' };
  if (endTime && at.getTime() >= endTime.getTime()) return { kind: 'expired' };
  return { kind: 'retry', at };
}
