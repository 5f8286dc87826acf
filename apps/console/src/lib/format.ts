import { DateTime } from 'luxon';

export function formatTime(iso: string | null | undefined, zone?: string): string {
  if (!iso) return '—';
  const dt = DateTime.fromISO(iso);
  if (!dt.isValid) return iso;
  return (zone ? dt.setZone(zone) : dt).toLocaleString(DateTime.DATETIME_MED);
}

export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

export function formatMoney(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  return `$${Number(value).toFixed(2)}`;
}

export function percent(value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  return `${Math.round(Number(value) * 10) / 10} %`;
}

/** Every IANA zone the browser knows (for the zone pickers), UTC first. */
export function timeZones(): string[] {
  const supported =
    (Intl as unknown as { supportedValuesOf?: (key: string) => string[] }).supportedValuesOf?.('timeZone') ?? [];
  return ['UTC', ...supported.filter((z) => z !== 'UTC')];
}
