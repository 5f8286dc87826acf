import { PHONE_HEADERS, resolveColumnLayout } from './column-layout';
import { IngestRefusal } from './ingest-refusal';

function refusal(fn: () => unknown): IngestRefusal {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(IngestRefusal);
    return error as IngestRefusal;
  }
  throw new Error('expected an IngestRefusal, nothing was thrown');
}

describe('resolveColumnLayout', () => {
  it('knows exactly the SPEC §2 phone headers', () => {
    expect(PHONE_HEADERS).toEqual([
      'phone',
      'phone_number',
      'contact_number',
      'number',
      'to',
      'to_number',
      'mobile',
      'msisdn',
    ]);
  });

  describe.each(PHONE_HEADERS)('phone header %s', (alias) => {
    const mixed = alias.charAt(0).toUpperCase() + alias.slice(1);
    it.each([alias, alias.toUpperCase(), mixed, `  ${mixed} `])('finds %j case-insensitively', (header) => {
      const layout = resolveColumnLayout(['name', header, 'city']);
      expect(layout.phone).toBe(1);
      expect(layout.variableNames).toEqual(['name', 'city']);
    });
  });

  it('does not take a header that merely contains a phone alias', () => {
    const error = refusal(() => resolveColumnLayout(['phones', 'telephone', 'to_numbers', 'name']));
    expect(error.code).toBe('missing_phone_column');
  });

  it('prefers the alias listed first in PHONE_HEADERS when several are present', () => {
    expect(resolveColumnLayout(['mobile', 'phone']).phone).toBe(1);
    expect(resolveColumnLayout(['to', 'number']).phone).toBe(1);
  });

  it('resolves the reserved columns and keeps them as variables', () => {
    const layout = resolveColumnLayout(['First_Name', 'last_name', 'Phone', 'Timezone', 'PRIORITY', 'name', 'city']);
    expect(layout).toEqual({
      phone: 2,
      name: 5,
      firstName: 0,
      lastName: 1,
      timezone: 3,
      priority: 4,
      variables: [
        { index: 0, name: 'First_Name' },
        { index: 1, name: 'last_name' },
        { index: 3, name: 'Timezone' },
        { index: 4, name: 'PRIORITY' },
        { index: 5, name: 'name' },
        { index: 6, name: 'city' },
      ],
      variableNames: ['First_Name', 'last_name', 'Timezone', 'PRIORITY', 'name', 'city'],
    });
  });

  it('leaves absent reserved columns undefined', () => {
    const layout = resolveColumnLayout(['phone']);
    expect(layout).toEqual({
      phone: 0,
      name: undefined,
      firstName: undefined,
      lastName: undefined,
      timezone: undefined,
      priority: undefined,
      variables: [],
      variableNames: [],
    });
  });

  it('uses column_mapping.phone and column_mapping.name (case-insensitive)', () => {
    const layout = resolveColumnLayout(['Kunde', 'Telefon', 'phone', 'Stadt'], { phone: 'telefon', name: 'KUNDE' });
    expect(layout.phone).toBe(1);
    expect(layout.name).toBe(0);
    expect(layout.variableNames).toEqual(['Kunde', 'phone', 'Stadt']);
  });

  it('column_mapping.phone wins over a known phone header', () => {
    expect(resolveColumnLayout(['phone', 'mobile'], { phone: 'mobile' }).phone).toBe(1);
  });

  it('column_mapping.name wins over a name column', () => {
    expect(resolveColumnLayout(['name', 'full name', 'phone'], { name: 'full name' }).name).toBe(1);
  });

  it('ignores column_mapping roles it has no use for', () => {
    const layout = resolveColumnLayout(['phone', 'mail'], { email: 'mail' });
    expect(layout.phone).toBe(0);
    expect(layout.variableNames).toEqual(['mail']);
  });

  it.each([
    ['phone', { phone: 'tel' }],
    ['name', { name: 'customer' }],
    ['timezone', { timezone: 'tz' }],
  ])('column_mapping.%s naming a missing column → validation_failed', (role, mapping) => {
    const error = refusal(() => resolveColumnLayout(['phone', 'Name', 'City'], mapping));
    expect(error.code).toBe('validation_failed');
    expect(error.httpStatus).toBe(400);
    expect(error.message).toBe(
      `column_mapping.${role} names a column "${Object.values(mapping)[0]}" that the file does not have`,
    );
    expect(error.details).toEqual({ field: `column_mapping.${role}`, headers_found: ['phone', 'Name', 'City'] });
  });

  it('no phone column → missing_phone_column with the headers found (trimmed)', () => {
    const error = refusal(() => resolveColumnLayout([' Name ', 'email', 'City']));
    expect(error.code).toBe('missing_phone_column');
    expect(error.httpStatus).toBe(400);
    expect(error.details).toEqual({ headers_found: ['Name', 'email', 'City'] });
    expect(error.message).toContain('phone, phone_number, contact_number, number, to, to_number, mobile, msisdn');
    expect(error.message).toContain('column_mapping.phone');
  });

  it('no headers at all → missing_phone_column', () => {
    const error = refusal(() => resolveColumnLayout([]));
    expect(error.code).toBe('missing_phone_column');
    expect(error.details).toEqual({ headers_found: [] });
  });

  it('variables exclude the phone column, empty headers and repeated headers (first one wins)', () => {
    const layout = resolveColumnLayout(['city', 'phone', '', 'city', '  ', 'zip', 'City']);
    expect(layout.phone).toBe(1);
    expect(layout.variables).toEqual([
      { index: 0, name: 'city' },
      { index: 5, name: 'zip' },
      { index: 6, name: 'City' },
    ]);
    expect(layout.variableNames).toEqual(['city', 'zip', 'City']);
  });

  it('trims variable names', () => {
    expect(resolveColumnLayout([' phone ', ' first name ']).variableNames).toEqual(['first name']);
  });

  it('reads headers as the user sees them: a header U+200B + "name" is the name column (issue 12 §3)', () => {
    const layout = resolveColumnLayout([
      '\u200Bphone',
      '\u200Bname',
      '\u202Acity\u202C',
      'ｔｉｍｅｚｏｎｅ',
      '\uFEFFpriority',
    ]);
    expect(layout).toMatchObject({ phone: 0, name: 1, timezone: 3, priority: 4 });
    expect(layout.variableNames).toEqual(['name', 'city', 'timezone', 'priority']);
    expect(layout.variableNames).not.toContain('\u200bname');
  });

  it('matches column_mapping names the same way', () => {
    expect(
      resolveColumnLayout(['Kunde', '\u200BTelefon'], { phone: 'telefon\u00A0', name: 'ＫＵＮＤＥ' }),
    ).toMatchObject({ phone: 1, name: 0 });
  });
});
