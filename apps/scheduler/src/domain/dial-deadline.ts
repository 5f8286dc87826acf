/** `closesAt` of a window that never closes (`bypass_call_guardrails`): the largest Date, 8.64e15 ms. */
const NEVER_MS = 8.64e15;

/**
 * The dial request's `not_after`: the dialer must not start the call once the window closes or
 * the batch ends (`end_time`), whichever is first. null when neither bounds it (a window that never
 * closes and no end_time).
 */
export function dialNotAfter(windowCloses: Date | undefined, endTime: Date | null): Date | null {
  const a = windowCloses && windowCloses.getTime() < NEVER_MS ? windowCloses.getTime() : Infinity;
  const b = endTime ? endTime.getTime() : Infinity;
  const at = Math.min(a, b);
  return Number.isFinite(at) ? new Date(at) : null;
}
