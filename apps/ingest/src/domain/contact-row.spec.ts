import { resolveColumnLayout } from './column-layout';
import { ContactRowValidator, REPORTED_ISSUES, RowPolicy } from './contact-row';

const HEADERS = ['phone', 'first_name', 'last_name', 'city', 'timezone', 'priority'];

function validator(policy: Partial<RowPolicy> = {}, headers = HEADERS): ContactRowValidator {
  const suppressed = new Set(['+12025550199']);
  return new ContactRowValidator(resolveColumnLayout(headers), {
    defaultRegion: 'US',
    invalidPhoneHandling: 'skip',
    isSuppressed: (e164) => suppressed.has(e164),
    ...policy,
  });
}

const row = (
  phone: string,
  extra: Partial<Record<'first' | 'last' | 'city' | 'tz' | 'priority', string>> = {},
): string[] => [
  phone,
  extra.first ?? 'Ann',
  extra.last ?? 'Lee',
  extra.city ?? 'Paris',
  extra.tz ?? '',
  extra.priority ?? '',
];

describe('ContactRowValidator', () => {
  it('accepts a valid row as a pending contact with E.164 phone, name and every non-phone column as variable', () => {
    const v = validator();
    expect(v.accept(row('(202) 555-0100', { tz: 'Europe/Paris', priority: '7' }), 1)).toEqual({
      row: 1,
      phone: '+12025550100',
      name: 'Ann Lee',
      timezone: 'Europe/Paris',
      priority: 7,
      variables: { first_name: 'Ann', last_name: 'Lee', city: 'Paris', timezone: 'Europe/Paris', priority: '7' },
      status: 'pending',
    });
    expect(v.counts).toEqual({
      total_rows: 1,
      valid_rows: 1,
      invalid_rows: 0,
      duplicate_rows: 0,
      empty_rows: 0,
      suppressed_rows: 0,
    });
    expect(v.issues).toEqual([]);
    expect(v.dialable).toBe(1);
  });

  it('counts valid, invalid, duplicate, empty and suppressed rows', () => {
    const v = validator();
    const results = [
      v.accept(row('+12025550100'), 1), // valid
      v.accept(row('12'), 2), // invalid
      v.accept(['', ' ', '', '', '', ''], 3), // empty
      v.accept(row('202-555-0100'), 4), // duplicate of row 1
      v.accept(row('+12025550199'), 5), // suppressed
      v.accept(row('+12025550101'), 6), // valid
      v.accept(row('', { first: 'No', last: 'Phone' }), 7), // missing phone
      v.accept(row('+1 202 555 0101'), 8), // duplicate of row 6
      v.accept([], 9), // empty (no cells)
    ];
    expect(results.map((r) => r?.status ?? null)).toEqual([
      'pending',
      null,
      null,
      null,
      'suppressed',
      'pending',
      null,
      null,
      null,
    ]);
    expect(v.counts).toEqual({
      total_rows: 7,
      valid_rows: 3,
      invalid_rows: 2,
      duplicate_rows: 2,
      empty_rows: 2,
      suppressed_rows: 1,
    });
    expect(v.dialable).toBe(2);
    expect(v.issues).toEqual([
      { row: 2, phone: '12', code: 'invalid_phone', message: 'not a valid number for US: "12"' },
      { row: 4, phone: '+12025550100', code: 'duplicate_phone', message: 'duplicate of row 1' },
      {
        row: 5,
        phone: '+12025550199',
        code: 'suppressed',
        message: 'on the do-not-call list; kept as suppressed and never dialed',
      },
      { row: 7, phone: '', code: 'missing_phone', message: 'no phone number' },
      { row: 8, phone: '+12025550101', code: 'duplicate_phone', message: 'duplicate of row 6' },
    ]);
  });

  it('names the first occurrence on every later duplicate', () => {
    const v = validator();
    v.accept(row('+12025550100'), 3);
    v.accept(row('2025550100'), 10);
    v.accept(row('001 202 555 0100'), 11);
    expect(v.issues.map((i) => i.message)).toEqual(['duplicate of row 3', 'duplicate of row 3']);
    expect(v.counts.duplicate_rows).toBe(2);
  });

  it('keeps a suppressed number as suppressed, counted as valid, not dialable', () => {
    const v = validator();
    const contact = v.accept(row('202 555 0199'), 1);
    expect(contact?.status).toBe('suppressed');
    expect(contact?.phone).toBe('+12025550199');
    expect(v.counts.suppressed_rows).toBe(1);
    expect(v.dialable).toBe(0);
  });

  it('a duplicate of a suppressed number is reported as a duplicate', () => {
    const v = validator();
    v.accept(row('+12025550199'), 1);
    expect(v.accept(row('+12025550199'), 2)).toBeNull();
    expect(v.counts).toMatchObject({ suppressed_rows: 1, duplicate_rows: 1 });
  });

  it('invalid_phone_handling use_as_is keeps the raw number with status invalid_number', () => {
    const v = validator({ invalidPhoneHandling: 'use_as_is' });
    expect(v.accept(row(' 12345 '), 1)).toEqual({
      row: 1,
      phone: '12345',
      name: 'Ann Lee',
      timezone: undefined,
      priority: 0,
      variables: { first_name: 'Ann', last_name: 'Lee', city: 'Paris', timezone: '', priority: '' },
      status: 'invalid_number',
    });
    expect(v.counts.invalid_rows).toBe(1);
    expect(v.dialable).toBe(0);
    expect(v.issues).toEqual([
      { row: 1, phone: '12345', code: 'invalid_phone', message: 'not a valid number for US: "12345"' },
    ]);
  });

  it('use_as_is still drops a row with no phone at all', () => {
    const v = validator({ invalidPhoneHandling: 'use_as_is' });
    expect(v.accept(row('   '), 1)).toBeNull();
    expect(v.issues[0]).toEqual({ row: 1, phone: '', code: 'missing_phone', message: 'no phone number' });
  });

  it('skip drops an invalid number', () => {
    expect(validator().accept(row('not a phone'), 1)).toBeNull();
  });

  it('uses default_region for numbers without +', () => {
    const v = validator({ defaultRegion: 'GB' });
    expect(v.accept(row('020 7946 0958'), 1)?.phone).toBe('+442079460958');
    expect(v.accept(row('+12025550100'), 2)?.phone).toBe('+12025550100');
  });

  describe('name', () => {
    it('joins first_name and last_name', () => {
      expect(validator().accept(row('+12025550100', { first: ' Ann ', last: ' Lee ' }), 1)?.name).toBe('Ann Lee');
    });

    it('uses first_name or last_name alone', () => {
      const v = validator();
      expect(v.accept(row('+12025550100', { last: '' }), 1)?.name).toBe('Ann');
      expect(v.accept(row('+12025550101', { first: '' }), 2)?.name).toBe('Lee');
    });

    it('is undefined without any name cell', () => {
      expect(validator().accept(row('+12025550100', { first: '', last: ' ' }), 1)?.name).toBeUndefined();
      expect(validator({}, ['phone']).accept(['+12025550100'], 1)?.name).toBeUndefined();
    });

    it('prefers a name column over first/last names', () => {
      const v = validator({}, ['phone', 'name', 'first_name', 'last_name']);
      expect(v.accept(['+12025550100', 'Dr. Who', 'Ann', 'Lee'], 1)?.name).toBe('Dr. Who');
      expect(v.accept(['+12025550101', '', 'Ann', 'Lee'], 2)?.name).toBe('Ann Lee');
    });
  });

  describe('priority', () => {
    it.each([
      ['5', 5],
      ['-3', -3],
      ['0', 0],
      [' 12 ', 12],
      ['999999999', 999999999],
      ['', 0],
    ])('parses %j as %i without an issue', (cell, priority) => {
      const v = validator();
      expect(v.accept(row('+12025550100', { priority: cell }), 1)?.priority).toBe(priority);
      expect(v.issues).toEqual([]);
    });

    it.each(['1.5', 'high', '1e3', '1000000000', '+-1'])('reports %j as invalid_value and uses 0', (cell) => {
      const v = validator();
      const contact = v.accept(row('+12025550100', { priority: cell }), 4);
      expect(contact?.priority).toBe(0);
      expect(contact?.status).toBe('pending');
      expect(v.issues).toEqual([
        {
          row: 4,
          phone: '+12025550100',
          code: 'invalid_value',
          message: `priority "${cell}" is not an integer; 0 is used`,
        },
      ]);
      expect(v.counts.valid_rows).toBe(1);
      expect(v.counts.invalid_rows).toBe(0);
    });
  });

  describe('timezone', () => {
    it.each(['America/New_York', 'Asia/Kolkata', 'UTC'])('keeps the IANA zone %s', (tz) => {
      const v = validator();
      expect(v.accept(row('+12025550100', { tz }), 1)?.timezone).toBe(tz);
      expect(v.issues).toEqual([]);
    });

    it.each(['Mars/Olympus', 'EST5EDT-nope', 'GMT+25'])('reports %s as invalid_value and drops it', (tz) => {
      const v = validator();
      const contact = v.accept(row('2025550100', { tz }), 2);
      expect(contact?.timezone).toBeUndefined();
      expect(contact?.status).toBe('pending');
      expect(contact?.variables.timezone).toBe(tz);
      expect(v.issues).toEqual([
        {
          row: 2,
          phone: '2025550100',
          code: 'invalid_value',
          message: `timezone "${tz}" is not an IANA time zone; the number's zone is used`,
        },
      ]);
    });
  });

  it('variables contain every non-phone column, missing cells as empty strings', () => {
    const v = validator({}, ['City', 'Phone', 'Notes', 'priority']);
    expect(v.accept(['Paris', '+12025550100'], 1)?.variables).toEqual({ City: 'Paris', Notes: '', priority: '' });
  });

  it('variables keep cell values untrimmed', () => {
    const v = validator({}, ['phone', 'note']);
    expect(v.accept(['+12025550100', '  spaced  '], 1)?.variables).toEqual({ note: '  spaced  ' });
  });

  it('reports at most the configured number of issues in the response (constant)', () => {
    expect(REPORTED_ISSUES).toBe(100);
  });

  it('the four inputs of issue 12 §3 and a header U+200B + "name" give contacts with the right number and name', () => {
    const v = validator({}, ['phone', '\u200Bname']);
    const inputs = ["'+14155550151", '\u200B+14155550154', '\u202A+14155550155\u202C', '＋１４１５５５５０１５６'];
    const contacts = inputs.map((phone, i) => v.accept([phone, `Name ${i}`], i + 1));
    expect(contacts.map((c) => c?.phone)).toEqual(['+14155550151', '+14155550154', '+14155550155', '+14155550156']);
    expect(contacts.map((c) => c?.name)).toEqual(['Name 0', 'Name 1', 'Name 2', 'Name 3']);
    expect(contacts[0]?.variables).toEqual({ name: 'Name 0' });
    expect(v.counts).toMatchObject({ total_rows: 4, valid_rows: 4, invalid_rows: 0 });
    expect(v.issues).toEqual([]);
  });

  it('time zone and priority cells are read through NFKC without format characters; names lose invisible edges only', () => {
    const v = validator();
    const contact = v.accept(
      row('+12025550100', { tz: 'Europe/Paris\u200B', priority: '７', first: '\u200BAnn', last: 'Lee\u00A0' }),
      1,
    );
    expect(contact).toMatchObject({ timezone: 'Europe/Paris', priority: 7, name: 'Ann Lee' });
    expect(contact?.variables).toMatchObject({ first_name: 'Ann', last_name: 'Lee' });
    expect(v.issues).toEqual([]);
  });

  it('a refused phone cell names the character in the issue', () => {
    const v = validator({}, ['phone']);
    expect(v.accept(['+1 415 555 O101'], 1)).toBeNull();
    expect(v.issues).toEqual([
      {
        row: 1,
        phone: '+1 415 555 O101',
        code: 'invalid_phone',
        message: 'contains U+004F "O", which is not part of a phone number: "+1 415 555 O101"',
      },
    ]);
  });

  it('a phone cell of invisible characters only is a missing phone, not stored even with use_as_is', () => {
    const v = validator({ invalidPhoneHandling: 'use_as_is' }, ['phone', 'name']);
    expect(v.accept(['\u200B\u202C', 'Ann'], 1)).toBeNull();
    expect(v.issues).toEqual([{ row: 1, phone: '\u200B\u202C', code: 'missing_phone', message: 'no phone number' }]);
    expect(v.stored).toBe(0);
  });
});
