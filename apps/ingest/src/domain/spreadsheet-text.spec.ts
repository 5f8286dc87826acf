import { describeCharacter, hasNonAscii, normalizeSpreadsheetText, trimInvisibleEdges } from './spreadsheet-text';

describe('normalizeSpreadsheetText', () => {
  it.each([
    ['\u200Bname', 'name'],
    [' \u202APhone\u202C ', 'Phone'],
    ['\uFEFFfirst_name', 'first_name'],
    ['ｐｈｏｎｅ', 'phone'],
    ['time\u00ADzone', 'timezone'],
    ['America/New_York\u200B', 'America/New_York'],
    ['\u00A0７\u3000', '7'],
    ['customer\u00A0id', 'customer id'],
  ])('%j becomes %j', (input, expected) => {
    expect(normalizeSpreadsheetText(input)).toBe(expected);
  });

  it('returns ASCII trimmed and otherwise unchanged', () => {
    expect(normalizeSpreadsheetText('  Phone Number ')).toBe('Phone Number');
    expect(normalizeSpreadsheetText('a\tb')).toBe('a\tb');
  });
});

describe('trimInvisibleEdges', () => {
  it('drops spaces and format characters at the ends only', () => {
    expect(trimInvisibleEdges('\u200BAda\u00A0')).toBe('Ada');
    // ZWNJ inside a Persian name and ZWJ inside an emoji sequence are kept
    expect(trimInvisibleEdges('\u200Bمی\u200Cخواهم')).toBe('می\u200Cخواهم');
    expect(trimInvisibleEdges('👩\u200D💻')).toBe('👩\u200D💻');
  });

  it('returns ASCII-edged text as it is (no scan), including its spaces', () => {
    const text = ' Ada ';
    expect(trimInvisibleEdges(text)).toBe(text);
    expect(trimInvisibleEdges('')).toBe('');
  });
});

describe('hasNonAscii', () => {
  it('is false for printable ASCII and tab, true for anything else', () => {
    expect(hasNonAscii('+1 (415) 555-0101\t')).toBe(false);
    expect(hasNonAscii('\u200B')).toBe(true);
    expect(hasNonAscii('é')).toBe(true);
    expect(hasNonAscii('\u0007')).toBe(true);
  });
});

describe('describeCharacter', () => {
  it.each([
    ['O', 'U+004F "O"'],
    ['\u200B', 'U+200B (an invisible format character)'],
    ['\u0007', 'U+0007 (a control character)'],
    ['\u2028', 'U+2028 (a space character)'],
    ['\u0301', 'U+0301 (a combining mark)'],
    ['😀', 'U+1F600 "😀"'],
  ])('%j is %s', (ch, description) => {
    expect(describeCharacter(ch)).toBe(description);
  });
});
