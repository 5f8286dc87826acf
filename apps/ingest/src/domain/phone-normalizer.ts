import { CountryCode, isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { installLibphonenumberRegexpCache } from './libphonenumber-speedup';

installLibphonenumberRegexpCache();

const PHONE_CHARACTERS = /^[+\d\s().\-\/]+$/;
const EXTENSION = /\s*(?:ext\.?|x|#)\s*\d{1,6}$/i;

export type PhoneResult = { ok: true; e164: string } | { ok: false; reason: string };

export function isSupportedRegion(region: string): boolean {
  return isSupportedCountry(region.toUpperCase());
}

/**
 * Normalizes a phone number to E.164 with libphonenumber; numbers without `+` are read in the
 * batch's default region. `00` international prefixes are accepted.
 */
export function normalizePhone(raw: string, defaultRegion: string): PhoneResult {
  const trimmed = raw.trim();
  if (trimmed === '') return { ok: false, reason: 'empty phone number' };
  if (!/\d/.test(trimmed)) return { ok: false, reason: 'no digits' };
  // libphonenumber extracts a number from any text ("+14155550101;Ada" parses): a cell must hold
  // a phone number only (digits, + ( ) . - / spaces, optionally an extension).
  if (!PHONE_CHARACTERS.test(trimmed.replace(EXTENSION, ''))) return { ok: false, reason: 'contains characters that are not part of a phone number' };
  const candidate = trimmed.startsWith('00') ? `+${trimmed.slice(2)}` : trimmed;
  const parsed = parsePhoneNumberFromString(candidate, defaultRegion.toUpperCase() as CountryCode);
  if (!parsed) return { ok: false, reason: 'not a phone number' };
  if (!parsed.isValid()) return { ok: false, reason: `not a valid number${parsed.country ? ` for ${parsed.country}` : ''}` };
  return { ok: true, e164: parsed.number };
}
