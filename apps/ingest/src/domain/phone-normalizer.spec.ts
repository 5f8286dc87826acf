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
    expect(normalizePhone('abc1', 'US')).toEqual({
      ok: false,
      reason: 'contains U+0061 "a", which is not part of a phone number',
    });
    // libphonenumber alone would extract the number from the text
    expect(normalizePhone('+14155550101;Ada', 'US')).toEqual({
      ok: false,
      reason: 'contains U+003B ";", which is not part of a phone number',
    });
    expect(normalizePhone('+1 (415) 555-0101 ext. 12', 'US')).toEqual({ ok: true, e164: '+14155550101' });
    expect(normalizePhone('12', 'US').ok).toBe(false);
    expect(normalizePhone('+1 202 555 01', 'US').ok).toBe(false);
    expect(normalizePhone('+1 202 555 01000', 'US').ok).toBe(false);
  });

  it('returns exactly { ok: false, reason } for an invalid number with a known country', () => {
    expect(normalizePhone('12', 'US')).toEqual({ ok: false, reason: 'not a valid number for US' });
  });
});

describe('normalizePhone: text as spreadsheets and other apps write it (issue 12 §3)', () => {
  // The four inputs of the issue, each a valid US number refused before.
  it.each([
    ["'+14155550151", '+14155550151', 'a leading apostrophe (the spreadsheet text mark)'],
    ['\u200B+14155550154', '+14155550154', 'a zero-width space U+200B'],
    ['\u202A+14155550155\u202C', '+14155550155', 'bidi embedding marks U+202A … U+202C'],
    ['＋１４１５５５５０１５６', '+14155550156', 'full-width digits and plus'],
  ])('%j is %s (%s)', (raw, e164) => {
    expect(normalizePhone(raw, 'US')).toEqual({ ok: true, e164 });
  });

  it.each([
    ['+1\u00A0415\u00A0555\u00A00160', '+14155550160', 'no-break spaces'],
    ['+1\u2009415\u202F555\u30000161', '+14155550161', 'thin, narrow no-break and ideographic spaces'],
    ['+1-415-555\u20110162', '+14155550162', 'a non-breaking hyphen'],
    ['+1\u2013415\u2014555\u22120163', '+14155550163', 'en dash, em dash and minus sign'],
    ['\uFEFF+14155550164\u200D', '+14155550164', 'a BOM and a zero-width joiner'],
    ['+1 415 555 01\u00AD65', '+14155550165', 'a soft hyphen'],
    ['\u2019+14155550166', '+14155550166', 'a typographic apostrophe (autocorrect)'],
    ["\u200B'+14155550167", '+14155550167', 'an apostrophe behind a format character'],
    ['+١٤١٥٥٥٥٠١٦٨', '+14155550168', 'Arabic-Indic digits'],
    ['+۱۴۱۵۵۵۵۰۱۶۹', '+14155550169', 'Extended Arabic-Indic (Persian) digits'],
    ['（４１５）５５５－０１７０', '+14155550170', 'full-width parentheses and hyphen'],
    ['tel:+1-415-555-0171', '+14155550171', 'a tel: URI (RFC 3966)'],
    ['tel:+1-415-555-0172;ext=12', '+14155550172', 'a tel: URI with an extension'],
    ['callto://+14155550173', '+14155550173', 'a callto: link'],
    ['="+14155550174"', '+14155550174', 'Excel\'s ="…" text formula'],
    ['"+14155550175"', '+14155550175', 'quotes doubled by an export'],
    ['14155550176.0', '+14155550176', 'a number written with a decimal part'],
    ['4155550177.00', '+14155550177', 'a national number written with a decimal part'],
    ['14,155,550,178', '+14155550178', 'a number with thousands separators'],
    ['1.4155550179E+10', '+14155550179', 'scientific notation that still holds every digit'],
    ['1,4155550180E+10', '+14155550180', 'the same with a decimal comma'],
    ['+1 415 555 0181 extension 7', '+14155550181', 'a spelled-out extension'],
  ])('%j is %s (%s)', (raw, e164) => {
    expect(normalizePhone(raw, 'US')).toEqual({ ok: true, e164 });
  });

  it('reads a number whose leading zero a spreadsheet dropped in the default region', () => {
    expect(normalizePhone('7911123456', 'GB')).toEqual({ ok: true, e164: '+447911123456' });
    expect(normalizePhone('30123456', 'DE')).toEqual({ ok: true, e164: '+4930123456' });
  });

  it('refuses scientific notation that lost digits, saying what happened and how to fix the file', () => {
    expect(normalizePhone('1.41555E+10', 'US')).toEqual({
      ok: false,
      reason:
        '"1.41555E+10" is a number a spreadsheet wrote in scientific notation, and its last digits are lost: format the phone column as Text, enter the numbers again (or copy them from the source) and export the file again',
    });
    expect(normalizePhone('4.47912E+11', 'GB')).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/scientific notation.*lost/),
    });
  });

  it('refuses an international number that lost its "+", naming the number it would be', () => {
    expect(normalizePhone('447911123456', 'US')).toEqual({
      ok: false,
      reason:
        'not a valid number for US; with a "+" it is the valid number +447911123456 (country code 44): spreadsheets drop the "+" of numbers stored as numbers, so write the "+" (format the column as Text) or set default_region',
    });
    expect(normalizePhone('4.47911123456E+11', 'US')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('+447911123456'),
    });
    // too short to be an international number: no guess
    expect(normalizePhone('2025550100', 'GB')).toEqual({ ok: false, reason: 'not a valid number for GB' });
  });

  it('names the character that is still not part of a phone number', () => {
    expect(normalizePhone('+1 415 555 O182', 'US')).toEqual({
      ok: false,
      reason: 'contains U+004F "O", which is not part of a phone number',
    });
    expect(normalizePhone('+1\u0007415 555 0183', 'US')).toEqual({
      ok: false,
      reason: 'contains U+0007 (a control character), which is not part of a phone number',
    });
    expect(normalizePhone('+1 415 555 0184\u0301', 'US')).toEqual({
      ok: false,
      reason: 'contains U+0301 (a combining mark), which is not part of a phone number',
    });
    expect(normalizePhone('1-800-FLOWERS', 'US')).toEqual({
      ok: false,
      reason: 'contains U+0046 "F", which is not part of a phone number',
    });
  });

  it('a cell of invisible characters only is empty', () => {
    expect(normalizePhone('\u200B\u202A\u202C', 'US')).toEqual({ ok: false, reason: 'empty phone number' });
    expect(normalizePhone("'", 'US')).toEqual({ ok: false, reason: 'empty phone number' });
  });

  it('keeps refusing what is not a number once cleaned', () => {
    expect(normalizePhone('1.5', 'US').ok).toBe(false);
    expect(normalizePhone('1.41555E+2', 'US')).toEqual({
      ok: false,
      reason: '"1.41555E+2" is a decimal number, not a phone number',
    });
    expect(normalizePhone('tel:', 'US')).toEqual({ ok: false, reason: 'empty phone number' });
    expect(normalizePhone('=SUM(A1)', 'US')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('U+003D "="'),
    });
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
