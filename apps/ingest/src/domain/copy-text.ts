/** Escapes one value for PostgreSQL's COPY text format; null becomes \N. */
export function copyTextValue(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '\\N';
  const s = String(value);
  if (!/[\\\t\n\r]/.test(s)) return s;
  return s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

export function copyTextLine(values: (string | number | null | undefined)[]): string {
  return `${values.map(copyTextValue).join('\t')}\n`;
}
