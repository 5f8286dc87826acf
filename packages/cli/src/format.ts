/**
 * Text formatting of API answers for people (pure; unit-tested). Machine output (`--json`) does
 * not go through here: it prints the API's objects as they are, one JSON document per line.
 */

/** `686 B`, `1.5 kB`, `72.0 MB` (SI units, as `ls -h --si` and most download tools). */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '?';
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/** `45s`, `3m 05s`, `2h 10m`. */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '-';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** Columns padded to their widest cell, two spaces apart; `null`/`undefined` print as `-`. */
export function formatTable(headers: string[], rows: unknown[][]): string {
  const cells = [headers, ...rows.map((row) => row.map(cellText))];
  const widths = headers.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? '').length)));
  return cells
    .map((row) =>
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i])))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function cellText(value: unknown): string {
  if (value === null || value === undefined || value === '') return '-';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value).replace(/[\r\n]+/g, ' ');
}

export interface ValidationLike {
  total_rows?: number;
  valid_rows?: number;
  invalid_rows?: number;
  duplicate_rows?: number;
  empty_rows?: number;
  suppressed_rows?: number;
  issues?: { row?: number; phone?: string; code?: string; message?: string }[];
}

/**
 * The validation report (SPEC §2) in a few lines: the counts, then the first `maxIssues` issues
 * (`row 4  12345  invalid_phone  message`) and how many more there are.
 */
export function formatValidation(report: ValidationLike, maxIssues = 5): string {
  const lines = [
    `rows: ${report.total_rows ?? 0} total, ${report.valid_rows ?? 0} valid, ${report.invalid_rows ?? 0} invalid, ` +
      `${report.duplicate_rows ?? 0} duplicate, ${report.empty_rows ?? 0} empty, ${report.suppressed_rows ?? 0} suppressed`,
  ];
  const issues = report.issues ?? [];
  if (issues.length > 0) {
    lines.push(
      formatTable(
        ['row', 'phone', 'code', 'message'],
        issues.slice(0, maxIssues).map((i) => [i.row, i.phone, i.code, i.message]),
      )
        .split('\n')
        .map((l) => `  ${l}`)
        .join('\n'),
    );
    const more =
      Math.max(issues.length, (report.invalid_rows ?? 0) + (report.duplicate_rows ?? 0)) -
      Math.min(issues.length, maxIssues);
    if (more > 0) lines.push(`  … and ${more} more (GET /api/batch-calls/{id}/issues.csv has them all)`);
  }
  return lines.join('\n');
}

export interface BatchLike {
  batch_id?: string;
  name?: string;
  status?: string;
  total_calls?: number;
  completed?: number;
  failed?: number;
  pending?: number;
  in_progress?: number;
  progress_percent?: number;
  success_rate?: number | null;
  avg_duration_seconds?: number | null;
  cost_so_far?: number | null;
  estimated_completion?: string | null;
  [key: string]: unknown;
}

/** `completed 12 · failed 3 · in progress 2 · pending 40` (the counts of SPEC §8). */
export function formatCounts(batch: BatchLike): string {
  return `completed ${batch.completed ?? 0} · failed ${batch.failed ?? 0} · in progress ${batch.in_progress ?? 0} · pending ${batch.pending ?? 0}`;
}

/** One line per batch state change when no terminal draws a bar: `12:00:01 running 40% (…)`. */
export function formatProgressLine(batch: BatchLike, now: Date = new Date()): string {
  return `${now.toISOString().slice(11, 19)} ${batch.status} ${Math.floor(batch.progress_percent ?? 0)}% (${formatCounts(batch)})`;
}

/** The summary printed when a watched batch is final. */
export function formatFinalSummary(batch: BatchLike): string {
  const rate = typeof batch.success_rate === 'number' ? ` · success rate ${formatPercent(batch.success_rate)}` : '';
  const cost = typeof batch.cost_so_far === 'number' ? ` · cost ${batch.cost_so_far.toFixed(2)}` : '';
  return `${batch.batch_id} ${batch.status}: ${batch.total_calls ?? 0} contacts · ${formatCounts(batch)}${rate}${cost}`;
}

/** A rate the API gives as a fraction (0..1) or a percentage (0..100). */
export function formatPercent(value: number): string {
  const percent = value <= 1 ? value * 100 : value;
  return `${percent.toFixed(1)}%`;
}

/** `key: value` lines for one object (nested objects as JSON). */
export function formatRecord(record: Record<string, unknown>): string {
  const keys = Object.keys(record);
  const width = Math.max(0, ...keys.map((k) => k.length));
  return keys.map((k) => `${k.padEnd(width)}  ${cellText(record[k])}`).join('\n');
}

/** One line for an error: `error: <code>: <message>` (details of validation errors appended). */
export function formatError(code: string, message: string, details?: unknown): string {
  let line = `error: ${code}: ${message}`.replace(/[\r\n]+/g, ' ');
  if (
    Array.isArray(details) &&
    details.length > 0 &&
    details.every((d) => d && typeof d === 'object' && 'field' in d)
  ) {
    const fields = (details as { field: string; problems?: string[] }[]).map(
      (d) => `${d.field} (${(d.problems ?? []).join('; ')})`,
    );
    line += ` [${fields.join(', ')}]`;
  }
  return line;
}
