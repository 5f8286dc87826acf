import { copyTextLine, copyTextValue } from './copy-text';

describe('copyTextValue', () => {
  it.each([
    ['plain', 'plain'],
    ['', ''],
    ['a\tb', 'a\\tb'],
    ['line1\nline2', 'line1\\nline2'],
    ['cr\rhere', 'cr\\rhere'],
    ['crlf\r\n', 'crlf\\r\\n'],
    ['C:\\dir', 'C:\\\\dir'],
    ['\\N', '\\\\N'],
    ['\\t literal', '\\\\t literal'],
    ['mix\\\t\n', 'mix\\\\\\t\\n'],
    ['ünïcødé, "quoted"; |pipe|', 'ünïcødé, "quoted"; |pipe|'],
  ])('escapes %j as %j', (value, expected) => {
    expect(copyTextValue(value)).toBe(expected);
  });

  it('writes null and undefined as \\N', () => {
    expect(copyTextValue(null)).toBe('\\N');
    expect(copyTextValue(undefined)).toBe('\\N');
  });

  it('writes numbers as text', () => {
    expect(copyTextValue(0)).toBe('0');
    expect(copyTextValue(-12)).toBe('-12');
    expect(copyTextValue(1.5)).toBe('1.5');
  });
});

describe('copyTextLine', () => {
  it('joins escaped values with tabs and ends with a newline', () => {
    expect(copyTextLine(['a', null, 3, 'x\ty', undefined, ''])).toBe('a\t\\N\t3\tx\\ty\t\\N\t\n');
  });

  it('writes an empty line for no values', () => {
    expect(copyTextLine([])).toBe('\n');
  });
});
