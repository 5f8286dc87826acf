import { DateTime, IANAZone } from 'luxon';

/** The contact's calling window as a dial request carries it (`DialRequest.calling_window`). */
export interface CallingWindowRule {
  /** Local hour the window opens, 0-24. */
  start_hour: number;
  /** Local hour the window closes (exclusive), 0-24; 24 = midnight at the end of the day. */
  end_hour: number;
  /** ISO weekdays on which calls may be placed, 1 = Monday ... 7 = Sunday. */
  weekdays: readonly number[];
  /** IANA zones; the window must be open in every one of them. */
  zones: readonly string[];
}

/**
 * Whether a call may start at instant `at` under `window`: in every zone, the local weekday is an
 * allowed one and the local hour is in [start_hour, end_hour). SPEC §3: "the window is checked
 * again immediately before dialing" - this is that check, computed by the dialer itself from the
 * rule, not taken from the scheduler's answer (issue 12 §1, defence in depth).
 *
 * Reading the local wall clock gives the same answer as the scheduler's interval computation on
 * DST days: a start or end hour inside a spring-forward gap takes effect when the clock jumps past
 * it; an hour that occurs twice (fall-back) counts from its first occurrence. An unknown zone, no
 * zone, no weekday or an empty window is closed (never call when in doubt).
 */
export function callingWindowOpenAt(window: CallingWindowRule, at: Date): boolean {
  if (window.zones.length === 0 || window.weekdays.length === 0 || window.start_hour >= window.end_hour) return false;
  for (const zone of window.zones) {
    if (!IANAZone.isValidZone(zone)) return false;
    const local = DateTime.fromMillis(at.getTime(), { zone });
    if (!window.weekdays.includes(local.weekday)) return false;
    if (local.hour < window.start_hour || local.hour >= window.end_hour) return false;
  }
  return true;
}
