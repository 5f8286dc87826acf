import { PhoneZoneMap } from './phone-zone-map';

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
