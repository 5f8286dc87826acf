import { IANAZone } from 'luxon';

/** How a contact's calling zones are chosen (SPEC §3). */
export interface ContactZoneInput {
  /** The contact's own `timezone` column, if any. */
  contactTimezone?: string | null;
  /** Zones of the contact's number from the prefix map (may be several, may be none). */
  numberZones: readonly string[];
  /** `call_timing.timezone`: an IANA zone for every contact, or "contact" (the default). */
  callTimingTimezone?: string;
  /** The batch `timezone`, used when nothing better is known. */
  batchTimezone: string;
}

/**
 * The zones whose window must be open for this contact, as a stable key (`Zone1&Zone2`, sorted).
 * A batch-wide zone wins; else the contact's own valid `timezone`; else the number's zones; else
 * the batch zone.
 */
export function contactZoneKey(input: ContactZoneInput): string {
  const batchWide = input.callTimingTimezone;
  if (batchWide && batchWide !== 'contact' && IANAZone.isValidZone(batchWide)) return batchWide;
  if (input.contactTimezone && IANAZone.isValidZone(input.contactTimezone)) return input.contactTimezone;
  const known = input.numberZones.filter((z) => IANAZone.isValidZone(z));
  if (known.length > 0) return [...new Set(known)].sort().join('&');
  return IANAZone.isValidZone(input.batchTimezone) ? input.batchTimezone : 'UTC';
}

export function zonesOfKey(zoneKey: string): string[] {
  return zoneKey.split('&');
}
