import { RowIssue } from '@outdial/contracts';

export const ISSUES_CSV_HEADER = 'row,phone,code,message\r\n';

/**
 * One CSV field: quoted when it holds a separator, quote or line break; a cell that a spreadsheet
 * would run as a formula (`= + - @`, or a leading tab/CR) gets a `'` in front (SPEC §8).
 */
export function csvField(value: string | number): string {
  let s = String(value);
  // A plain phone number (`+14155550101`) cannot run anything and stays as it is.
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(s) && !/^\+[\d\s().-]+$/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function issueCsvLine(issue: RowIssue): string {
  return `${issue.row},${csvField(issue.phone)},${csvField(issue.code)},${csvField(issue.message)}\r\n`;
}

/**
 * Turns issues of whole rows (sorted by row) into one CSV page of at most about `maxBytes`: a row's
 * issues never straddle two pages (at least one row goes in, whatever its size), so the next page
 * starts after a row number. `moreAfter`: the list goes on past the given issues.
 */
export function issuesPage(
  issues: RowIssue[],
  maxBytes: number,
  first: boolean,
  moreAfter: boolean,
): { csv: string; next_after_row: number | null } {
  let csv = first ? ISSUES_CSV_HEADER : '';
  let bytes = Buffer.byteLength(csv);
  let lastRow: number | null = null;
  let i = 0;
  while (i < issues.length) {
    const row = issues[i].row;
    let lines = '';
    let j = i;
    for (; j < issues.length && issues[j].row === row; j++) lines += issueCsvLine(issues[j]);
    const size = Buffer.byteLength(lines);
    if (lastRow !== null && bytes + size > maxBytes) break;
    csv += lines;
    bytes += size;
    lastRow = row;
    i = j;
  }
  const more = i < issues.length || moreAfter;
  return { csv, next_after_row: more ? lastRow : null };
}
