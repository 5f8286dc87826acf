import { contactZoneKey } from './contact-zone';

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
