import { describe, expect, it } from 'vitest';

import { normalizeHeader, suggestMapping, toColumnMapping } from './column-mapping';

describe('column mapping suggestion (SPEC §2 aliases)', () => {
  it('finds every SPEC alias of the phone column, whatever its case and spacing', () => {
    for (const header of [
      'phone',
      'Phone',
      'PHONE_NUMBER',
      'Contact Number',
      'number',
      'To',
      'to_number',
      'Mobile',
      'MSISDN',
    ]) {
      const s = suggestMapping(['Name', header, 'City']);
      expect(s.roles.phone).toBe(header);
      expect(s.phoneGuessed).toBe(false);
    }
  });

  it('guesses a renamed phone column from a hint word and says it is a guess', () => {
    const s = suggestMapping(['Customer Name', 'Cell Phone #', 'Amount']);
    expect(s.roles.phone).toBe('Cell Phone #');
    expect(s.phoneGuessed).toBe(true);
    expect(s.roles.name).toBe('Customer Name');
  });

  it('suggests no phone column when nothing looks like one (the user picks it)', () => {
    const s = suggestMapping(['Contact', 'Who', 'Notes']);
    expect(s.roles.phone).toBeNull();
  });

  it('prefers an exact alias over a hint word, and never maps the phone column twice', () => {
    const s = suggestMapping(['work phone', 'phone', 'name']);
    expect(s.roles.phone).toBe('phone');
    expect(s.roles.name).toBe('name');
  });

  it('maps name and time zone, and each agent variable to the header of its name', () => {
    const s = suggestMapping(
      ['msisdn', 'First Name', 'Time Zone', 'amount_due', 'Due Date'],
      ['amount_due', 'due_date', 'plan'],
    );
    expect(s.roles).toEqual({ phone: 'msisdn', name: 'First Name', timezone: 'Time Zone' });
    expect(s.variables).toEqual({ amount_due: 'amount_due', due_date: 'Due Date', plan: null });
    expect(s.missingVariables).toEqual(['plan']);
  });

  it('normalizes headers to snake case', () => {
    expect(normalizeHeader('  Phone Number (mobile) ')).toBe('phone_number_mobile');
  });

  it('sends only what was set, and variables only when renamed', () => {
    expect(
      toColumnMapping(
        { phone: 'Contact', name: null, timezone: null },
        { amount_due: 'amount_due', plan: 'Plan Name', x: null },
      ),
    ).toEqual({ phone: 'Contact', plan: 'Plan Name' });
    expect(toColumnMapping({ phone: null, name: null, timezone: null })).toBeUndefined();
  });
});
