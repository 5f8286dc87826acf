/**
 * Column mapping suggestion for an uploaded contact list (SPEC §2).
 *
 * The phone column is any header among the SPEC §2 aliases (case-insensitive); failing that, a
 * header that merely looks like a phone column ("Customer Phone", "Cell", "Tel.") is suggested as a
 * guess the user should confirm. Name and time zone follow the reserved columns of SPEC §2. Each
 * variable the agent expects is matched to a header with the same normalized name.
 */

/** SPEC §2: headers recognised as the phone column, case-insensitive. */
export const PHONE_ALIASES = [
  'phone',
  'phone_number',
  'contact_number',
  'number',
  'to',
  'to_number',
  'mobile',
  'msisdn',
];
const NAME_ALIASES = ['name', 'full_name', 'first_name', 'contact_name', 'customer_name'];
const TIMEZONE_ALIASES = ['timezone', 'time_zone', 'tz'];
/** Words that make a header look like a phone column when no alias matches. */
const PHONE_HINTS = ['phone', 'mobile', 'cell', 'tel', 'msisdn', 'whatsapp'];

export type MappingRole = 'phone' | 'name' | 'timezone';

export interface MappingSuggestion {
  /** Role -> header in the file (null: none found). */
  roles: Record<MappingRole, string | null>;
  /** True when the phone column was guessed from a hint word rather than a SPEC alias. */
  phoneGuessed: boolean;
  /** Agent variable -> header in the file (null: no column). */
  variables: Record<string, string | null>;
  /** Agent variables with no column: the agent would get an empty value. */
  missingVariables: string[];
}

/** "Customer Phone #" -> "customer_phone" (lower case, runs of other characters to `_`). */
export function normalizeHeader(header: string): string {
  return header
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '_')
    .replace(/^_+|_+$/g, '');
}

function findByAliases(headers: string[], aliases: string[]): string | null {
  for (const alias of aliases) {
    const hit = headers.find((h) => normalizeHeader(h) === alias);
    if (hit !== undefined) return hit;
  }
  return null;
}

/** The suggestion for a file's headers and the variables its agent expects. */
export function suggestMapping(headers: string[], agentVariables: string[] = []): MappingSuggestion {
  const clean = headers.filter((h) => h.trim() !== '');
  // The server matches aliases on the exact lower-cased header; the console also accepts spacing
  // and punctuation variants ("Phone Number") but sends the header explicitly in column_mapping.
  let phone = findByAliases(clean, PHONE_ALIASES);
  let phoneGuessed = false;
  if (phone === null) {
    phone =
      clean.find((h) =>
        normalizeHeader(h)
          .split('_')
          .some((w) => PHONE_HINTS.includes(w)),
      ) ?? null;
    phoneGuessed = phone !== null;
  }
  const name = findByAliases(
    clean.filter((h) => h !== phone),
    NAME_ALIASES,
  );
  const timezone = findByAliases(
    clean.filter((h) => h !== phone),
    TIMEZONE_ALIASES,
  );
  const variables: Record<string, string | null> = {};
  for (const variable of agentVariables) {
    const wanted = normalizeHeader(variable);
    variables[variable] = clean.find((h) => h !== phone && normalizeHeader(h) === wanted) ?? null;
  }
  return {
    roles: { phone, name, timezone },
    phoneGuessed,
    variables,
    missingVariables: agentVariables.filter((v) => variables[v] === null),
  };
}

/**
 * The `column_mapping` a create sends: the roles the user set, and the agent variables mapped to a
 * column of another name. Nothing when everything is what the server finds on its own.
 */
export function toColumnMapping(
  roles: Record<MappingRole, string | null>,
  variables: Record<string, string | null> = {},
): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const [role, header] of Object.entries(roles)) if (header) out[role] = header;
  for (const [variable, header] of Object.entries(variables)) if (header && header !== variable) out[variable] = header;
  return Object.keys(out).length > 0 ? out : undefined;
}
