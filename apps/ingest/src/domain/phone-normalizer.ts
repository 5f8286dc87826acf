import { CountryCode, isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js/max';

import { installLibphonenumberRegexpCache } from './libphonenumber-speedup';
import { describeCharacter, hasNonAscii } from './spreadsheet-text';

installLibphonenumberRegexpCache();

/** ASCII only (JS `\s` would let Unicode spaces through to libphonenumber, which refuses some). */
const PHONE_CHARACTERS = /^[+\d \t\r\n\f\v().\-/]+$/;
const PHONE_CHARACTER = /[+\d \t\r\n\f\v().\-/]/;
const EXTENSION = /\s*(?:ext\.?|x|#)\s*\d{1,6}$/i;
/** Extensions as the slow path also reads them: `extension 12`, RFC 3966 `;ext=12`. */
const ANY_EXTENSION = /\s*(?:;\s*ext=|ext(?:ension|n)?\.?:?|x|#)\s*\d{1,6}$/i;
const DIGIT = /\d/;
/** `14155550101.0`: a spreadsheet that holds the number as a number wrote it with a decimal part. */
const SPREADSHEET_DECIMAL = /^(\+?\d{5,})\.0+$/;
/** `1.41555E+10`, `4,47911123456E+11`: a number shown in scientific notation (either decimal mark). */
const SCIENTIFIC = /^(\d+)(?:[.,](\d*))?[eE]\+?(\d{1,2})$/;
/** `14,155,550,101`: a number formatted with thousands separators. */
const THOUSANDS = /^\d{1,3}(?:,\d{3})+$/;
/** `="+14155550101"`: Excel's way of forcing text in a CSV; `"…"`: quotes doubled by an export. */
const TEXT_FORMULA = /^=\s*"(.*)"$/;
const QUOTED = /^"(.*)"$/;
/** A leading apostrophe (or the typographic one autocorrect makes of it) marks a cell as text. */
const TEXT_MARK = /^['\u2018\u2019]\s*/;
/** `tel:+1-415-555-0101;ext=12` (RFC 3966), `callto:`, `tel://`. */
const TEL_URI = /^(?:tel|callto):(?:\/\/)?/i;
const FORMAT_CHARACTERS = /\p{Cf}/gu;
/** Hyphens and dashes NFKC leaves as they are (U+2011 becomes U+2010), and the minus sign. */
const DASHES = /[\u2010-\u2015\u2043\u2212\uFE58]/g;
const SPACES = /[\s\p{Zs}]/gu;
const DECIMAL_DIGITS = /\p{Nd}/gu;
/** Code points of the digit zero of scripts whose digits NFKC does not map to ASCII (Unicode Nd runs of ten). */
const DIGIT_ZEROS = [
  0x0660, 0x06f0, 0x07c0, 0x0966, 0x09e6, 0x0a66, 0x0ae6, 0x0b66, 0x0be6, 0x0c66, 0x0ce6, 0x0d66, 0x0de6, 0x0e50,
  0x0ed0, 0x0f20, 0x1040, 0x1090, 0x17e0, 0x1810,
];

export type PhoneResult = { ok: true; e164: string } | { ok: false; reason: string };

/** The reason of a cell that holds nothing once cleaned (blank, or invisible characters only). */
export const EMPTY_PHONE_REASON = 'empty phone number';
const EMPTY: PhoneResult = { ok: false, reason: EMPTY_PHONE_REASON };
const NO_DIGITS: PhoneResult = { ok: false, reason: 'no digits' };

export function isSupportedRegion(region: string): boolean {
  return isSupportedCountry(region.toUpperCase());
}

/**
 * Normalizes a phone cell to E.164 with libphonenumber; numbers without `+` are read in the
 * batch's default region (SPEC §2). `00` international prefixes are accepted.
 *
 * Cells as spreadsheets and other apps write them are read as the user meant them (issue 12 §3):
 * a leading apostrophe (text mark), invisible format characters (Unicode Cf: zero-width space,
 * bidi marks), compatibility forms (full-width `＋１４１５…`, NBSP and thin spaces: NFKC),
 * look-alike dashes, digits of other scripts, `="…"` text formulas, `tel:` URIs, thousands
 * separators, a `.0` decimal part, and scientific notation when it still holds every digit. A
 * refusal says which character or pattern caused it and how to fix the file.
 *
 * The cost: a cell of plain phone characters (nearly all of them) takes the path it always took;
 * only a cell that fails that check goes through the Unicode work.
 *
 * @param raw the cell as read from the file (any text)
 * @param defaultRegion ISO 3166-1 alpha-2, case-insensitive
 * @returns `{ ok: true, e164 }` or `{ ok: false, reason }` (reason is shown to the user); never throws
 */
export function normalizePhone(raw: string, defaultRegion: string): PhoneResult {
  const trimmed = raw.trim();
  if (trimmed === '') return EMPTY;
  // libphonenumber extracts a number from any text ("+14155550101;Ada" parses): a cell must hold
  // a phone number only (digits, + ( ) . - / spaces, optionally an extension).
  if (PHONE_CHARACTERS.test(trimmed.replace(EXTENSION, ''))) {
    if (!DIGIT.test(trimmed)) return NO_DIGITS;
    const decimal = SPREADSHEET_DECIMAL.exec(trimmed);
    return parsePhone(decimal ? decimal[1] : trimmed, defaultRegion);
  }
  return normalizeUnusualPhone(trimmed, defaultRegion);
}

/** The slow path: undoes what spreadsheets and other apps do to a phone cell, then checks it. */
function normalizeUnusualPhone(cell: string, defaultRegion: string): PhoneResult {
  let text = cell;
  if (hasNonAscii(text)) {
    text = text
      .normalize('NFKC')
      .replace(FORMAT_CHARACTERS, '')
      .replace(DASHES, '-')
      .replace(SPACES, ' ')
      .replace(DECIMAL_DIGITS, asciiDigit)
      .trim();
  }
  text = text.replace(TEXT_MARK, '');
  const formula = TEXT_FORMULA.exec(text) ?? QUOTED.exec(text);
  if (formula) text = formula[1].trim().replace(TEXT_MARK, '');
  if (TEL_URI.test(text)) {
    text = text.replace(TEL_URI, '');
    const params = text.search(/;(?!\s*ext=)/i);
    if (params >= 0) text = text.slice(0, params);
    text = text.trim();
  }
  if (THOUSANDS.test(text)) text = text.replace(/,/g, '');
  const scientific = SCIENTIFIC.exec(text);
  if (scientific) {
    const [, whole, fraction = '', exponent] = scientific;
    if (fraction.length > Number(exponent))
      return { ok: false, reason: `"${text}" is a decimal number, not a phone number` };
    if (fraction.length < Number(exponent)) {
      return {
        ok: false,
        reason:
          `"${text}" is a number a spreadsheet wrote in scientific notation, and its last digits are lost: ` +
          'format the phone column as Text, enter the numbers again (or copy them from the source) and export the file again',
      };
    }
    text = `${whole}${fraction}`;
  }
  const decimal = SPREADSHEET_DECIMAL.exec(text);
  if (decimal) text = decimal[1];

  const number = text.replace(ANY_EXTENSION, '').trim();
  if (number === '') return EMPTY;
  if (!DIGIT.test(number)) return NO_DIGITS;
  for (const ch of number) {
    if (!PHONE_CHARACTER.test(ch))
      return { ok: false, reason: `contains ${describeCharacter(ch)}, which is not part of a phone number` };
  }
  return parsePhone(number, defaultRegion);
}

function asciiDigit(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  if (cp < 0x80) return ch;
  for (const zero of DIGIT_ZEROS) if (cp >= zero && cp < zero + 10) return String(cp - zero);
  return ch;
}

function parsePhone(text: string, defaultRegion: string): PhoneResult {
  const candidate = text.startsWith('00') ? `+${text.slice(2)}` : text;
  const region = defaultRegion.toUpperCase() as CountryCode;
  const parsed = parsePhoneNumberFromString(candidate, region);
  if (!parsed) return { ok: false, reason: 'not a phone number' };
  if (!parsed.isValid())
    return {
      ok: false,
      reason: `not a valid number${parsed.country ? ` for ${parsed.country}` : ''}${lostPlusHint(candidate)}`,
    };
  return { ok: true, e164: parsed.number };
}

/**
 * A spreadsheet that holds an international number as a number drops its `+` (`+447911123456`
 * becomes `447911123456`), which then reads as a national number of the default region. Not
 * certain enough to accept, so the refusal says what the number would be with the `+`.
 */
function lostPlusHint(candidate: string): string {
  if (candidate.startsWith('+')) return '';
  const digits = candidate.replace(/[\s().\-/]/g, '');
  if (!/^\d{11,15}$/.test(digits)) return '';
  const international = parsePhoneNumberFromString(`+${digits}`);
  if (!international?.isValid()) return '';
  return `; with a "+" it is the valid number ${international.number} (country code ${international.countryCallingCode}): spreadsheets drop the "+" of numbers stored as numbers, so write the "+" (format the column as Text) or set default_region`;
}
