import { isSupportedRegion, normalizePhone } from './phone-normalizer';

describe('normalizePhone', () => {
  it.each([
    ['+12025550100', 'US', '+12025550100'],
    ['+1 (202) 555-0100', 'US', '+12025550100'],
    ['(202) 555-0100', 'US', '+12025550100'],
    ['202.555.0100', 'US', '+12025550100'],
    ['  2025550100  ', 'US', '+12025550100'],
    ['2025550100', 'us', '+12025550100'],
  ])('normalizes %j in %s to %s', (raw, region, e164) => {
    expect(normalizePhone(raw, region)).toEqual({ ok: true, e164 });
  });

  it('normalizes GB numbers', () => {
    expect(normalizePhone('020 7946 0958', 'GB')).toEqual({ ok: true, e164: '+442079460958' });
    expect(normalizePhone('07911 123456', 'GB')).toEqual({ ok: true, e164: '+447911123456' });
    expect(normalizePhone('+44 20 7946 0958', 'US')).toEqual({ ok: true, e164: '+442079460958' });
  });

  it('normalizes IN numbers', () => {
    expect(normalizePhone('98765 43210', 'IN')).toEqual({ ok: true, e164: '+919876543210' });
    expect(normalizePhone('09876543210', 'IN')).toEqual({ ok: true, e164: '+919876543210' });
    expect(normalizePhone('+91 98765 43210', 'US')).toEqual({ ok: true, e164: '+919876543210' });
  });

  it('normalizes DE numbers', () => {
    expect(normalizePhone('030 123456', 'DE')).toEqual({ ok: true, e164: '+4930123456' });
    expect(normalizePhone('+49 151 23456789', 'US')).toEqual({ ok: true, e164: '+4915123456789' });
  });

  it('applies default_region only to numbers without +', () => {
    expect(normalizePhone('+12025550100', 'GB')).toEqual({ ok: true, e164: '+12025550100' });
    expect(normalizePhone('+12025550100', 'IN')).toEqual({ ok: true, e164: '+12025550100' });
    // the same national digits read in two regions
    expect(normalizePhone('020 7946 0958', 'GB')).toEqual({ ok: true, e164: '+442079460958' });
    expect(normalizePhone('020 7946 0958', 'US')).toEqual({ ok: false, reason: 'not a valid number for US' });
    expect(normalizePhone('2025550100', 'GB')).toEqual({ ok: false, reason: 'not a valid number for GB' });
  });

  it('accepts the 00 international prefix regardless of the default region', () => {
    expect(normalizePhone('0044 20 7946 0958', 'US')).toEqual({ ok: true, e164: '+442079460958' });
    expect(normalizePhone('00 91 98765 43210', 'GB')).toEqual({ ok: true, e164: '+919876543210' });
    expect(normalizePhone('0012025550100', 'DE')).toEqual({ ok: true, e164: '+12025550100' });
  });

  it('rejects empty and blank input', () => {
    expect(normalizePhone('', 'US')).toEqual({ ok: false, reason: 'empty phone number' });
    expect(normalizePhone('   ', 'US')).toEqual({ ok: false, reason: 'empty phone number' });
  });

  it('rejects input without digits', () => {
    expect(normalizePhone('n/a', 'US')).toEqual({ ok: false, reason: 'no digits' });
    expect(normalizePhone('CALL-ME', 'US')).toEqual({ ok: false, reason: 'no digits' });
  });

  it('rejects letters mixed with digits and too short/long numbers', () => {
    expect(normalizePhone('1-800-FLOWERS', 'US').ok).toBe(false);
    expect(normalizePhone('abc1', 'US')).toEqual({ ok: false, reason: 'contains characters that are not part of a phone number' });
    // libphonenumber alone would extract the number from the text
    expect(normalizePhone('+14155550101;Ada', 'US')).toEqual({ ok: false, reason: 'contains characters that are not part of a phone number' });
    expect(normalizePhone('+1 (415) 555-0101 ext. 12', 'US')).toEqual({ ok: true, e164: '+14155550101' });
    expect(normalizePhone('12', 'US').ok).toBe(false);
    expect(normalizePhone('+1 202 555 01', 'US').ok).toBe(false);
    expect(normalizePhone('+1 202 555 01000', 'US').ok).toBe(false);
  });

  it('returns exactly { ok: false, reason } for an invalid number with a known country', () => {
    expect(normalizePhone('12', 'US')).toEqual({ ok: false, reason: 'not a valid number for US' });
  });
});

describe('isSupportedRegion', () => {
  it.each(['US', 'gb', 'In', 'DE'])('supports %s', (region) => {
    expect(isSupportedRegion(region)).toBe(true);
  });

  it.each(['XX', 'USA', ''])('does not support %j', (region) => {
    expect(isSupportedRegion(region)).toBe(false);
  });
});
