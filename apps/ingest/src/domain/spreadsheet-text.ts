/**
 * Text from spreadsheets and other apps carries characters a user never sees or cannot tell apart
 * from the plain ones: format characters (Unicode category Cf: zero-width space U+200B, bidi
 * embeddings U+202A–U+202E, the BOM U+FEFF, soft hyphen U+00AD, ...), compatibility forms
 * (full-width `＋１４１５`, non-breaking and thin spaces) and look-alike dashes. These helpers turn
 * such text into what the user meant: Unicode NFKC (UAX #15), Cf characters dropped, every space
 * separator a plain space. Each one returns its input unchanged (and costs a single scan) when the
 * text is plain ASCII, which is what almost every cell of a real file is.
 */

/** Anything but printable ASCII and tab: the only text that needs the (slower) Unicode work. */
const NEEDS_UNICODE_WORK = /[^\t\x20-\x7e]/;
const FORMAT_CHARACTERS = /\p{Cf}/gu;
/** Space separators (Zs) and line breaks NFKC leaves alone, e.g. U+2028. */
const OTHER_SPACES = /[\s\p{Zs}]/gu;
const EDGE_JUNK = /^[\s\p{Cf}]+|[\s\p{Cf}]+$/gu;

/** True when `text` holds a character outside printable ASCII (or tab). */
export function hasNonAscii(text: string): boolean {
  return NEEDS_UNICODE_WORK.test(text);
}

/**
 * NFKC, Cf format characters dropped, every kind of space a plain space, trimmed. For text whose
 * exact characters carry no meaning of their own: headers, column_mapping names, time zones,
 * priorities. Plain ASCII comes back trimmed and otherwise unchanged.
 */
export function normalizeSpreadsheetText(text: string): string {
  if (!hasNonAscii(text)) return text.trim();
  return text.normalize('NFKC').replace(FORMAT_CHARACTERS, '').replace(OTHER_SPACES, ' ').trim();
}

/**
 * Strips spaces and format characters from the two ends of a free-text cell (a name, a
 * variable), leaving its inside alone: NFKC or dropping Cf characters inside would change what
 * the user wrote (U+200C/U+200D join Persian letters and emoji sequences). A cell whose first and
 * last characters are ASCII is returned as is without a scan.
 */
export function trimInvisibleEdges(text: string): string {
  const n = text.length;
  if (n === 0 || (text.charCodeAt(0) < 0x80 && text.charCodeAt(n - 1) < 0x80)) return text;
  return text.replace(EDGE_JUNK, '');
}

/**
 * How a refusal names a character: its code point, the character itself when it is visible, and
 * what kind of character it is when that is the surprise (invisible, a control character).
 * E.g. `U+004F "O"`, `U+200B (an invisible format character)`.
 */
export function describeCharacter(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  const code = `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  if (/\p{Cf}/u.test(ch)) return `${code} (an invisible format character)`;
  if (/\p{Cc}/u.test(ch)) return `${code} (a control character)`;
  if (/[\p{Z}\s]/u.test(ch)) return `${code} (a space character)`;
  if (/[\p{Mn}\p{Me}]/u.test(ch)) return `${code} (a combining mark)`;
  return `${code} "${ch}"`;
}
