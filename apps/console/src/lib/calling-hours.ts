import { DateTime } from 'luxon';

/**
 * Calling-hours preview (SPEC §3 "Calling hours"): given the window and the contacts' zones, what
 * share of the contacts could be called now, and when the window next opens for those that cannot.
 * A contact whose number may be in several zones is open only while the window is open in all of
 * them, as the scheduler does.
 */

export const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Day = (typeof DAYS)[number];

export interface CallingWindow {
  /** Local hour the window opens (0-23). */
  start_hour: number;
  /** Local hour it closes (1-24, exclusive). */
  end_hour: number;
  days: Day[];
  skip_weekends?: boolean;
  /** `"contact"`: each contact's own zone (the default); else one IANA zone for everybody. */
  timezone: string;
}

/** SPEC §3 default: 09:00-20:00 in the contact's local time, every day. */
export const DEFAULT_WINDOW: CallingWindow = {
  start_hour: 9,
  end_hour: 20,
  days: [...DAYS],
  skip_weekends: false,
  timezone: 'contact',
};

/** A group of contacts sharing the same candidate zones. */
export interface ZoneGroup {
  zones: string[];
  count: number;
}

export interface WindowPreview {
  total: number;
  openNow: number;
  /** 0-100, rounded. */
  openPercent: number;
  /** Earliest instant after `now` when the window opens for contacts closed now (ISO, UTC). */
  nextOpening: string | null;
  /** Contacts whose zone could not be told (left out of the percentage). */
  unknown: number;
}

function openIn(zone: string, at: DateTime, window: CallingWindow): boolean {
  const local = at.setZone(zone);
  if (!local.isValid) return false;
  const day = DAYS[local.weekday - 1];
  const days = window.skip_weekends ? window.days.filter((d) => d !== 'sat' && d !== 'sun') : window.days;
  if (!days.includes(day)) return false;
  const hour = local.hour + local.minute / 60;
  return hour >= window.start_hour && hour < window.end_hour;
}

/** Whether a contact with these candidate zones may be called at `at`. */
export function isOpen(zones: string[], at: DateTime, window: CallingWindow): boolean {
  const effective = window.timezone === 'contact' ? zones : [window.timezone];
  return effective.length > 0 && effective.every((z) => openIn(z, at, window));
}

/** The preview for `groups` at `now`; scans forward in 15-minute steps up to 8 days for the next opening. */
export function previewWindow(groups: ZoneGroup[], window: CallingWindow, now: DateTime): WindowPreview {
  let total = 0;
  let openNow = 0;
  let unknown = 0;
  const closed: ZoneGroup[] = [];
  for (const group of groups) {
    if (window.timezone === 'contact' && group.zones.length === 0) {
      unknown += group.count;
      continue;
    }
    total += group.count;
    if (isOpen(group.zones, now, window)) openNow += group.count;
    else closed.push(group);
  }
  let nextOpening: string | null = null;
  if (closed.length > 0) {
    const start = now.startOf('minute').plus({ minutes: 15 - (now.minute % 15) });
    for (let step = 0; step < 8 * 24 * 4 && nextOpening === null; step++) {
      const at = start.plus({ minutes: 15 * step });
      if (closed.some((g) => isOpen(g.zones, at, window))) nextOpening = at.toUTC().toISO();
    }
  }
  return { total, openNow, openPercent: total === 0 ? 0 : Math.round((openNow / total) * 100), nextOpening, unknown };
}

/**
 * Candidate zones of a number by its country calling code: a coarse, browser-sized stand-in for
 * the scheduler's longest-prefix map (which also splits +1 by area code). +1 numbers count as open
 * only when the window is open from New York to Los Angeles, which never over-promises.
 */
const CALLING_CODE_ZONES: [string, string[]][] = [
  ['1', ['America/New_York', 'America/Chicago', 'America/Denver', 'America/Los_Angeles']],
  ['44', ['Europe/London']],
  ['353', ['Europe/Dublin']],
  ['33', ['Europe/Paris']],
  ['49', ['Europe/Berlin']],
  ['34', ['Europe/Madrid']],
  ['39', ['Europe/Rome']],
  ['31', ['Europe/Amsterdam']],
  ['32', ['Europe/Brussels']],
  ['41', ['Europe/Zurich']],
  ['46', ['Europe/Stockholm']],
  ['47', ['Europe/Oslo']],
  ['48', ['Europe/Warsaw']],
  ['351', ['Europe/Lisbon']],
  ['91', ['Asia/Kolkata']],
  ['81', ['Asia/Tokyo']],
  ['82', ['Asia/Seoul']],
  ['86', ['Asia/Shanghai']],
  ['65', ['Asia/Singapore']],
  ['971', ['Asia/Dubai']],
  ['61', ['Australia/Perth', 'Australia/Sydney']],
  ['64', ['Pacific/Auckland']],
  ['55', ['America/Sao_Paulo']],
  ['52', ['America/Mexico_City']],
  ['27', ['Africa/Johannesburg']],
  ['234', ['Africa/Lagos']],
];

export function zonesForNumber(phone: string): string[] {
  const digits = phone.trim().startsWith('+') ? phone.replace(/\D/g, '') : '';
  if (!digits) return [];
  let best: [string, string[]] | undefined;
  for (const entry of CALLING_CODE_ZONES)
    if (digits.startsWith(entry[0]) && (!best || entry[0].length > best[0].length)) best = entry;
  return best ? best[1] : [];
}

/**
 * Groups the contacts of a preview by zone: the contact's `timezone` column when set, else its
 * number's zones, else (national-format numbers) the zones of `defaultRegion`'s calling code.
 */
export function zoneGroups(contacts: { phone: string; timezone?: string }[], defaultCallingCode = '1'): ZoneGroup[] {
  const groups = new Map<string, ZoneGroup>();
  for (const c of contacts) {
    let zones: string[];
    if (c.timezone && c.timezone.trim() !== '') zones = [c.timezone.trim()];
    else if (c.phone.trim().startsWith('+')) zones = zonesForNumber(c.phone);
    else zones = c.phone.replace(/\D/g, '').length >= 6 ? zonesForNumber(`+${defaultCallingCode}`) : [];
    const key = zones.join('|');
    const group = groups.get(key) ?? { zones, count: 0 };
    group.count++;
    groups.set(key, group);
  }
  return [...groups.values()];
}
