import { CallTiming, Weekday, WEEKDAYS } from '@outdial/contracts';
import { DateTime } from 'luxon';

/** The hours no call may fall outside, in the contact's local time, unless the org disabled the guard. */
export const COMPLIANCE_GUARD = { startHour: 8, endHour: 21 } as const;
/** SPEC §3: 09:00-20:00 on all days when the batch says nothing. */
export const DEFAULT_WINDOW = { startHour: 9, endHour: 20 } as const;
/** Far enough to see every weekday pattern once, plus a DST change. */
const HORIZON_DAYS = 9;

export interface WindowPolicy {
  startHour: number;
  /** Exclusive; 24 = midnight at the end of the day. */
  endHour: number;
  /** Luxon weekdays (1 = Monday ... 7 = Sunday) on which calls may be placed. */
  weekdays: ReadonlySet<number>;
}

/** The effective daily window: the batch's `call_timing`, defaults filled in, clamped by the guard. */
export function resolveWindowPolicy(timing: CallTiming | undefined, complianceGuard: boolean): WindowPolicy {
  let startHour = timing?.start_hour ?? DEFAULT_WINDOW.startHour;
  let endHour = timing?.end_hour ?? DEFAULT_WINDOW.endHour;
  if (complianceGuard) {
    startHour = Math.max(startHour, COMPLIANCE_GUARD.startHour);
    endHour = Math.min(endHour, COMPLIANCE_GUARD.endHour);
  }
  const days: readonly Weekday[] = timing?.days && timing.days.length > 0 ? timing.days : WEEKDAYS;
  const weekdays = new Set(days.map((d) => WEEKDAYS.indexOf(d) + 1));
  if (timing?.skip_weekends) {
    weekdays.delete(6);
    weekdays.delete(7);
  }
  return { startHour, endHour, weekdays };
}

/** The window as the dial request carries it, for the dialer's own check right before dialing. */
export function dialCallingWindow(
  policy: WindowPolicy,
  zones: readonly string[],
): { start_hour: number; end_hour: number; weekdays: number[]; zones: string[] } {
  return {
    start_hour: policy.startHour,
    end_hour: policy.endHour,
    weekdays: [...policy.weekdays].sort(),
    zones: [...zones],
  };
}

/** A stable key for caching window answers per policy. */
export function windowPolicyKey(policy: WindowPolicy): string {
  return `${policy.startHour}-${policy.endHour}-${[...policy.weekdays].sort().join('')}`;
}

export interface Interval {
  start: number;
  end: number;
}

/** The open intervals (epoch ms) of one zone's local windows between two instants. */
export function zoneOpenIntervals(policy: WindowPolicy, zone: string, from: number, to: number): Interval[] {
  if (policy.startHour >= policy.endHour || policy.weekdays.size === 0) return [];
  const intervals: Interval[] = [];
  let day = DateTime.fromMillis(from, { zone }).startOf('day').minus({ days: 1 });
  const last = DateTime.fromMillis(to, { zone }).startOf('day');
  // Compared by calendar date: in a zone whose DST change is at midnight (America/Havana) a day
  // starts at 01:00, and `plus({days: 1})` keeps that time, so comparing instants would skip the
  // last day (found by the property test in windows/calling-windows.spec.ts).
  const lastDate = last.toISODate()!;
  while (day.toISODate()! <= lastDate) {
    if (policy.weekdays.has(day.weekday)) {
      // fromObject resolves a local hour inside a DST gap forward and an ambiguous one to its first occurrence.
      const start = DateTime.fromObject(
        { year: day.year, month: day.month, day: day.day, hour: policy.startHour },
        { zone },
      ).toMillis();
      const end =
        policy.endHour === 24
          ? day.plus({ days: 1 }).startOf('day').toMillis()
          : DateTime.fromObject(
              { year: day.year, month: day.month, day: day.day, hour: policy.endHour },
              { zone },
            ).toMillis();
      if (end > from && start < to && end > start) intervals.push({ start, end });
    }
    day = day.plus({ days: 1 });
  }
  return intervals;
}

/** Intersection of two sorted, non-overlapping interval lists. */
export function intersectIntervals(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const start = Math.max(a[i].start, b[j].start);
    const end = Math.min(a[i].end, b[j].end);
    if (start < end) out.push({ start, end });
    if (a[i].end < b[j].end) i++;
    else j++;
  }
  return out;
}

export type WindowState =
  /** Callable now, until `closesAt`. */
  | { open: true; closesAt: Date }
  /** Not now; next callable at `opensAt`, or never (`null`: e.g. zones whose windows never overlap). */
  | { open: false; opensAt: Date | null };

/** Whether a contact whose number may be in any of `zones` can be called at `at` (open in all of them). */
export function windowStateAt(policy: WindowPolicy, zones: readonly string[], at: Date): WindowState {
  const from = at.getTime();
  const to = from + HORIZON_DAYS * 24 * 3600 * 1000;
  let common: Interval[] | undefined;
  for (const zone of zones) {
    const intervals = zoneOpenIntervals(policy, zone, from, to);
    common = common === undefined ? intervals : intersectIntervals(common, intervals);
    if (common.length === 0) break;
  }
  for (const interval of mergeTouching(common ?? [])) {
    if (interval.start <= from && from < interval.end) return { open: true, closesAt: new Date(interval.end) };
    if (interval.start > from) return { open: false, opensAt: new Date(interval.start) };
  }
  return { open: false, opensAt: null };
}

/** The window state at `at`, and until when that same answer holds. */
export interface WindowStateSpan {
  state: WindowState;
  /**
   * Epoch ms, exclusive: for every instant t in [at, validUntil), `windowStateAt(policy, zones, t)`
   * returns exactly `state` (same `open`, same `closesAt` / `opensAt`). Always > at.
   */
  validUntil: number;
}

/**
 * `windowStateAt` plus the range of instants the answer is valid for, so a cache can answer for
 * an instant only when that instant lies in [at, validUntil) (issue 12 §1: an answer computed for a
 * future instant must never be served for the present one).
 *
 * Why these bounds are exact (H = the look-ahead horizon, every open stretch starting before at+H
 * is seen by the computation at `at`):
 * - open until C, C < at+H: C is a real end (a stretch touching it would have been merged), so the
 *   answer holds on [at, C).
 * - open until C, C >= at+H (always-open windows): the stretch may continue past the horizon; a
 *   later instant t sees the next stretch once C < t+H, so the answer holds for t <= C-H.
 * - closed, opens at O: nothing opens in [at, O), so the answer holds on [at, O).
 * - closed, never within the horizon: a later t sees openings that start before t+H; with O2 the
 *   first opening at or after at+H, the answer holds for t <= O2-H (for t < at+H when none).
 */
export function windowStateSpanAt(policy: WindowPolicy, zones: readonly string[], at: Date): WindowStateSpan {
  const from = at.getTime();
  const horizon = HORIZON_DAYS * 24 * 3600 * 1000;
  const state = windowStateAt(policy, zones, at);
  if (state.open) {
    const closes = state.closesAt.getTime();
    return { state, validUntil: closes < from + horizon ? closes : closes - horizon + 1 };
  }
  if (state.opensAt !== null) return { state, validUntil: state.opensAt.getTime() };
  const beyond = windowStateAt(policy, zones, new Date(from + horizon));
  if (beyond.open) return { state, validUntil: from + 1 };
  if (beyond.opensAt === null) return { state, validUntil: from + horizon + 1 };
  return { state, validUntil: beyond.opensAt.getTime() - horizon + 1 };
}

/** The first instant at or after `at` when the window is open; null when it never opens. */
export function nextCallableAt(policy: WindowPolicy, zones: readonly string[], at: Date): Date | null {
  const state = windowStateAt(policy, zones, at);
  return state.open ? at : state.opensAt;
}

/** Windows ending at midnight and starting at midnight (end_hour 24, start_hour 0) are one stretch. */
function mergeTouching(intervals: Interval[]): Interval[] {
  const out: Interval[] = [];
  for (const interval of intervals) {
    const previous = out[out.length - 1];
    if (previous && interval.start <= previous.end) previous.end = Math.max(previous.end, interval.end);
    else out.push({ ...interval });
  }
  return out;
}
