/** Columns every template starts with; the agent's variables follow. */
const BASE_COLUMNS = ['phone', 'name'];

function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * The CSV template of an agent (SPEC §2, §9): a header with `phone`, `name` and each variable the
 * agent expects (once, in the agent's order), and one example row.
 */
export function templateCsv(variables: unknown): string {
  const names: string[] = [];
  const seen = new Set(BASE_COLUMNS);
  for (const v of Array.isArray(variables) ? variables : []) {
    const name =
      typeof v === 'string'
        ? v
        : typeof v === 'object' && v !== null
          ? String((v as { name?: unknown }).name ?? '')
          : '';
    const trimmed = name.trim();
    if (trimmed && !seen.has(trimmed.toLowerCase())) {
      seen.add(trimmed.toLowerCase());
      names.push(trimmed);
    }
  }
  const header = [...BASE_COLUMNS, ...names].map(csvCell).join(',');
  const example = ['+14155550100', 'Ada Lovelace', ...names.map(() => '')].map(csvCell).join(',');
  return `${header}\r\n${example}\r\n`;
}
