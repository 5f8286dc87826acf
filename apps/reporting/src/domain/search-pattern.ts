/** Escapes LIKE wildcards so that a search for `50%` finds "50%". */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (ch) => `\\${ch}`);
}

/**
 * What a contacts search means (SPEC §8), as an ILIKE pattern, or null for a blank search: text
 * that looks like a phone number (digits with + ( ) - . and spaces) matches the digits within the
 * E.164 number, so `(415) 555-0101` finds `+14155550101`; anything else is a case-insensitive part
 * of the name (or of the phone).
 */
export function searchPattern(search: string): string | null {
  const text = search.trim();
  if (text === '') return null;
  if (/^[\d\s+().-]+$/.test(text) && /\d/.test(text)) return `%${escapeLike(text.replace(/\D/g, ''))}%`;
  return `%${escapeLike(text)}%`;
}
