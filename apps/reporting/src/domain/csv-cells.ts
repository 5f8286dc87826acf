/**
 * One CSV cell, RFC 4180, made safe to open in a spreadsheet.
 *
 * A cell starting with `=`, `+`, `-`, `@`, tab or CR can be run as a formula by Excel/Sheets/Calc
 * (OWASP "CSV injection"), so it gets a leading `'`. Plain numbers are the exception: `+12025550100`
 * (every E.164 phone) or `-3` cannot carry a formula, and prefixing them would corrupt the phone
 * column of every export.
 */
const FORMULA_TRIGGER = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[+-]?\d+(\.\d+)?$/;
const NEEDS_QUOTES = /[",\r\n]/;

export function neutralizeFormula(value: string): string {
  if (FORMULA_TRIGGER.test(value) && !PLAIN_NUMBER.test(value)) return `'${value}`;
  return value;
}

export function quoteCsv(value: string): string {
  return NEEDS_QUOTES.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export type CellValue = string | number | null | undefined;

export function csvCell(value: CellValue): string {
  if (value === null || value === undefined) return '';
  return quoteCsv(neutralizeFormula(typeof value === 'string' ? value : String(value)));
}

/** One record, CRLF-terminated (RFC 4180), so pages concatenate into one valid file. */
export function csvLine(values: readonly CellValue[]): string {
  let line = '';
  for (let i = 0; i < values.length; i++) line += i === 0 ? csvCell(values[i]) : `,${csvCell(values[i])}`;
  return `${line}\r\n`;
}
