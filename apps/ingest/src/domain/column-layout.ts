import { IngestRefusal } from './ingest-refusal';
import { normalizeSpreadsheetText } from './spreadsheet-text';

/** Headers recognised as the phone column, case-insensitive (SPEC §2). */
export const PHONE_HEADERS = [
  'phone',
  'phone_number',
  'contact_number',
  'number',
  'to',
  'to_number',
  'mobile',
  'msisdn',
];

/** Columns with a meaning of their own; every other column is a variable. */
export const RESERVED_COLUMNS = ['name', 'first_name', 'last_name', 'timezone', 'priority', 'script'] as const;

/**
 * Reserved columns that stay variables (the agent reads them per contact, SPEC §2): `email`,
 * `customer_id`, `voice_id`, `first_message`, `language`, and `script` (checked to be a JSON object).
 */
export const OVERRIDE_VARIABLE_COLUMNS = [
  'email',
  'customer_id',
  'voice_id',
  'first_message',
  'language',
  'script',
] as const;

export interface ColumnLayout {
  phone: number;
  name?: number;
  firstName?: number;
  lastName?: number;
  timezone?: number;
  priority?: number;
  script?: number;
  scriptName?: string;
  /** Every column but the phone column, as variables (names as in the header). */
  variables: { index: number; name: string }[];
  /** Variable names in column order, for exports. */
  variableNames: string[];
}

function normalizeHeader(header: string): string {
  return normalizeSpreadsheetText(header).toLowerCase();
}

/**
 * Finds the phone column (by `column_mapping.phone`, else by the known headers) and the reserved
 * columns. No phone column: `missing_phone_column` naming the headers found.
 *
 * Headers (and the names in `column_mapping`) are compared as the user sees them: NFKC, invisible
 * format characters dropped, spaces of any kind trimmed (issue 12 §3: a header `U+200B name` is
 * the name column, not a variable `\u200bname`). Variables are named by these cleaned headers.
 */
export function resolveColumnLayout(rawHeaders: string[], columnMapping: Record<string, string> = {}): ColumnLayout {
  const headers = rawHeaders.map(normalizeSpreadsheetText);
  const lower = headers.map(normalizeHeader);
  const indexOf = (name: string): number | undefined => {
    const i = lower.indexOf(normalizeHeader(name));
    return i >= 0 ? i : undefined;
  };
  const mapped = (role: string): number | undefined => {
    const theirs = columnMapping[role];
    if (theirs === undefined) return undefined;
    const i = indexOf(theirs);
    if (i === undefined) {
      throw new IngestRefusal(
        'validation_failed',
        `column_mapping.${role} names a column "${theirs}" that the file does not have`,
        {
          field: `column_mapping.${role}`,
          headers_found: headers,
        },
      );
    }
    return i;
  };

  let phone = mapped('phone');
  if (phone === undefined) {
    for (const candidate of PHONE_HEADERS) {
      phone = indexOf(candidate);
      if (phone !== undefined) break;
    }
  }
  if (phone === undefined) {
    throw new IngestRefusal(
      'missing_phone_column',
      `no phone column: name one of ${PHONE_HEADERS.join(', ')} or set column_mapping.phone`,
      {
        headers_found: headers,
      },
    );
  }
  const layout: ColumnLayout = {
    phone,
    name: mapped('name') ?? indexOf('name'),
    firstName: mapped('first_name') ?? indexOf('first_name'),
    lastName: mapped('last_name') ?? indexOf('last_name'),
    timezone: mapped('timezone') ?? indexOf('timezone'),
    priority: mapped('priority') ?? indexOf('priority'),
    script: mapped('script') ?? indexOf('script'),
    variables: [],
    variableNames: [],
  };
  if (layout.script !== undefined) layout.scriptName = headers[layout.script];
  const seen = new Set<string>();
  headers.forEach((header, index) => {
    if (index === phone || header === '' || seen.has(header)) return;
    seen.add(header);
    layout.variables.push({ index, name: header });
    layout.variableNames.push(header);
  });
  return layout;
}
