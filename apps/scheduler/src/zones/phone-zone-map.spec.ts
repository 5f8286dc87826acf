import { PhoneZoneMap } from './phone-zone-map';
import { contactZoneKey } from '../domain/contact-zone';

describe('PhoneZoneMap', () => {
  const shipped = PhoneZoneMap.loadShipped();

  it('finds the longest prefix', () => {
    expect(shipped.zonesFor('+12025550100')).toEqual(['America/New_York']);
    expect(shipped.zonesFor('+14155550100')).toEqual(['America/Los_Angeles']);
    expect(shipped.zonesFor('+442071234567')).toEqual(['Europe/London']);
    expect(shipped.zonesFor('+919812345678')).toEqual(['Asia/Calcutta']);
  });
  it('gives several zones for a prefix shared by several (a +1 number with an unmapped area code)', () => {
    expect(shipped.zonesFor('+1999').length).toBeGreaterThan(10);
  });
  it('answers nothing for an unknown prefix', () => {
    expect(PhoneZoneMap.parse('1|America/New_York').zonesFor('+44')).toEqual([]);
  });
  it('parses comments and multi-zone lines; refuses garbage', () => {
    const map = PhoneZoneMap.parse('# c\n\n7|Europe/Moscow&Asia/Omsk\n79|Europe/Moscow\n');
    expect(map.zonesFor('+7383')).toEqual(['Europe/Moscow', 'Asia/Omsk']);
    expect(map.zonesFor('+7912')).toEqual(['Europe/Moscow']);
    expect(() => PhoneZoneMap.parse('abc|Europe/Moscow')).toThrow(/bad prefix/);
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
    expect(contactZoneKey({ ...base, contactTimezone: 'Europe/Paris', callTimingTimezone: 'Asia/Tokyo' })).toBe('Asia/Tokyo');
  });
  it('"contact" means per contact', () => {
    expect(contactZoneKey({ ...base, callTimingTimezone: 'contact' })).toBe('America/New_York');
  });
  it('several zones become one sorted key', () => {
    expect(contactZoneKey({ numberZones: ['America/Los_Angeles', 'America/New_York', 'America/Los_Angeles'], batchTimezone: 'UTC' })).toBe(
      'America/Los_Angeles&America/New_York',
    );
  });
  it('an unmapped number uses the batch zone', () => {
    expect(contactZoneKey({ numberZones: [], batchTimezone: 'Europe/Berlin' })).toBe('Europe/Berlin');
  });
});
