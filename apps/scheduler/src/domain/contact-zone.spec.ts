import { IANAZone } from 'luxon';

import { contactZoneKey, isIanaZone, REMEMBERED_ZONE_NAMES, rememberedZoneCount } from './contact-zone';

describe('isIanaZone', () => {
  it("answers like luxon's IANAZone.isValidZone, the first time and when remembered", () => {
    for (const zone of ['America/St_Johns', 'Asia/Kolkata', 'US/Eastern', 'UTC', 'Nowhere/Land', '', '+05:00']) {
      expect(isIanaZone(zone)).toBe(IANAZone.isValidZone(zone));
      expect(isIanaZone(zone)).toBe(IANAZone.isValidZone(zone));
    }
  });
  it('remembers at most REMEMBERED_ZONE_NAMES names and still answers right beyond them', () => {
    for (let i = 0; i < REMEMBERED_ZONE_NAMES + 50; i++) expect(isIanaZone(`Bogus/Zone_${i}`)).toBe(false);
    expect(rememberedZoneCount()).toBe(REMEMBERED_ZONE_NAMES);
    expect(isIanaZone('Europe/Lisbon')).toBe(true); // not remembered any more: luxon answers
    expect(isIanaZone(`Bogus/Zone_${REMEMBERED_ZONE_NAMES + 10}`)).toBe(false);
    expect(rememberedZoneCount()).toBe(REMEMBERED_ZONE_NAMES);
  });
});

describe('contactZoneKey', () => {
  const base = { numberZones: ['America/New_York'], batchTimezone: 'UTC' };
  it('uses the number zones by default', () => {
    expect(contactZoneKey(base)).toBe('America/New_York');
  });
  it("the contact's timezone column overrides the number", () => {
    expect(contactZoneKey({ ...base, contactTimezone: 'Europe/Paris' })).toBe('Europe/Paris');
  });
  it('an invalid timezone column falls back to the number', () => {
    expect(contactZoneKey({ ...base, contactTimezone: 'Nowhere/Land' })).toBe('America/New_York');
  });
  it('a batch-wide call_timing zone overrides everything', () => {
    expect(contactZoneKey({ ...base, contactTimezone: 'Europe/Paris', callTimingTimezone: 'Asia/Tokyo' })).toBe(
      'Asia/Tokyo',
    );
  });
  it('"contact" means per contact', () => {
    expect(contactZoneKey({ ...base, callTimingTimezone: 'contact' })).toBe('America/New_York');
  });
  it('several zones become one sorted key', () => {
    expect(
      contactZoneKey({
        numberZones: ['America/Los_Angeles', 'America/New_York', 'America/Los_Angeles'],
        batchTimezone: 'UTC',
      }),
    ).toBe('America/Los_Angeles&America/New_York');
  });
  it('an unmapped number uses the batch zone', () => {
    expect(contactZoneKey({ numberZones: [], batchTimezone: 'Europe/Berlin' })).toBe('Europe/Berlin');
  });
});
