import { normalizePhone, PhoneResult } from './phone-normalizer';

/**
 * Normalizes blocks of raw phone cells; results are encoded as in `encodePhoneResults`. Implemented
 * inline or by a pool of worker threads (`adapters/phones/phone-normalizer-pool.ts`).
 */
export interface PhoneNormalizer {
  normalize(raws: string[], region: string): Promise<string[]>;
}

/** One block of raw phone cells sent to a phone worker thread (`id` matches the answer to it). */
export interface PhoneBlockRequest {
  id: number;
  raws: string[];
  region: string;
}

/**
 * Results cross the thread boundary as plain strings (cheaper to clone than objects): the E.164
 * number, or a NUL followed by the reason it is invalid.
 */
export function encodePhoneResults(raws: string[], region: string): string[] {
  const out = new Array<string>(raws.length);
  for (let i = 0; i < raws.length; i++) {
    const result = normalizePhone(raws[i], region);
    out[i] = result.ok ? result.e164 : `\u0000${result.reason}`;
  }
  return out;
}

/** The inverse of one `encodePhoneResults` entry. */
export function decodePhoneResult(encoded: string): PhoneResult {
  return encoded.charCodeAt(0) === 0 ? { ok: false, reason: encoded.slice(1) } : { ok: true, e164: encoded };
}
