import { detectSeparator, SEPARATORS } from './csv-dialect';

describe('detectSeparator', () => {
  it('accepts exactly the SPEC §2 separators', () => {
    expect([...SEPARATORS]).toEqual([',', ';', '\t', '|']);
  });

  it.each([
    ['phone,name,city\n+12025550100,Ann,Paris', ','],
    ['phone;name;city\n+12025550100;Ann;Paris', ';'],
    ['phone\tname\tcity\n+12025550100\tAnn\tParis', '\t'],
    ['phone|name|city\n+12025550100|Ann|Paris', '|'],
  ])('detects the separator of %j', (sample, separator) => {
    expect(detectSeparator(sample)).toBe(separator);
  });

  it('ignores separators inside quotes', () => {
    expect(detectSeparator('"last, first, middle";phone')).toBe(';');
    expect(detectSeparator('"a|b|c|d"\tphone')).toBe('\t');
    expect(detectSeparator('"x;y;z;w",phone')).toBe(',');
  });

  it('handles escaped quotes inside a quoted header', () => {
    // "a ""quoted"", header" stays one quoted field: its commas do not count
    expect(detectSeparator('"a ""quoted"", header, more";phone;name')).toBe(';');
  });

  it('keeps counting after a newline inside quotes (still the header line)', () => {
    expect(detectSeparator('"multi\nline,,,,";phone;name\n1,2,3,4,5,6,7')).toBe(';');
  });

  it('only reads the first line', () => {
    expect(detectSeparator('phone;name\na,b,c,d,e,f')).toBe(';');
  });

  it('handles CRLF line endings', () => {
    expect(detectSeparator('phone;name\r\n+1,2,3,4,5\r\n')).toBe(';');
    expect(detectSeparator('phone|name\r\n')).toBe('|');
  });

  it('ignores a UTF-8 BOM', () => {
    expect(detectSeparator('\uFEFFphone;name\n1;2')).toBe(';');
    expect(detectSeparator('\uFEFF"a;b;c"|phone|name')).toBe('|');
  });

  it('falls back to a comma for a single column and for an empty sample', () => {
    expect(detectSeparator('phone\n+12025550100\n')).toBe(',');
    expect(detectSeparator('phone')).toBe(',');
    expect(detectSeparator('')).toBe(',');
    expect(detectSeparator('\uFEFF')).toBe(',');
  });

  it('picks the most frequent separator', () => {
    expect(detectSeparator('a;b;c,d')).toBe(';');
    expect(detectSeparator('a|b|c|d;e;f\tg')).toBe('|');
    expect(detectSeparator('a\tb\tc\td,e,f|g')).toBe('\t');
  });

  it('breaks ties in SPEC order , ; tab |', () => {
    expect(detectSeparator('a,b;c')).toBe(',');
    expect(detectSeparator('a;b,c')).toBe(',');
    expect(detectSeparator('a|b;c')).toBe(';');
    expect(detectSeparator('a|b\tc')).toBe('\t');
  });
});
