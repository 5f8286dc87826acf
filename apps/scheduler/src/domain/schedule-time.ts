import { DateTime, IANAZone } from 'luxon';

export type ParsedStart = { ok: true; at: Date } | { ok: false; field: string; message: string };

/**
 * A start time as the API takes it: ISO 8601, with an offset, or local time in `zone` (IANA,
 * default UTC). It must lie in the future.
 */
export function parseFutureStartTime(value: string | undefined, zone: string | undefined, now: Date): ParsedStart {
  const tz = zone ?? 'UTC';
  if (!IANAZone.isValidZone(tz)) return { ok: false, field: 'timezone', message: `"${tz}" is not an IANA time zone` };
  if (!value) return { ok: false, field: 'scheduled_start_time', message: 'scheduled_start_time is required' };
  const parsed = DateTime.fromISO(value, { zone: tz, setZone: false });
  if (!parsed.isValid)
    return { ok: false, field: 'scheduled_start_time', message: `"${value}" is not an ISO 8601 date-time` };
  const at = parsed.toJSDate();
  if (at.getTime() <= now.getTime()) {
    return {
      ok: false,
      field: 'scheduled_start_time',
      message: `${at.toISOString()} is not in the future (now ${now.toISOString()})`,
    };
  }
  return { ok: true, at };
}
