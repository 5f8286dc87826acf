import { csvCell, csvLine, neutralizeFormula, quoteCsv } from './csv-cells';

describe('csv cells', () => {
  it('leaves plain text alone', () => {
    expect(csvCell('hello world')).toBe('hello world');
    expect(csvCell("O'Brien")).toBe("O'Brien");
    expect(csvCell('')).toBe('');
  });

  it('quotes cells with separators, quotes or line breaks and doubles inner quotes', () => {
    expect(quoteCsv('a,b')).toBe('"a,b"');
    expect(quoteCsv('say "hi"')).toBe('"say ""hi"""');
    expect(quoteCsv('line1\nline2')).toBe('"line1\nline2"');
    expect(quoteCsv('line1\r\nline2')).toBe('"line1\r\nline2"');
    expect(quoteCsv('"')).toBe('""""');
  });

  it('neutralizes formula injection', () => {
    expect(csvCell("=cmd|' /C calc'!A0")).toBe("'=cmd|' /C calc'!A0");
    expect(csvCell('=HYPERLINK("http://evil","x")')).toBe(`"'=HYPERLINK(""http://evil"",""x"")"`);
    expect(csvCell('+SUM(A1:A2)')).toBe("'+SUM(A1:A2)");
    expect(csvCell('-2+3')).toBe("'-2+3");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\t=1')).toBe("'\t=1");
    expect(csvCell('\r=1')).toBe(`"'\r=1"`);
  });

  it('only checks the first character', () => {
    expect(neutralizeFormula('a=b')).toBe('a=b');
    expect(neutralizeFormula('x@y.com')).toBe('x@y.com');
  });

  it('keeps plain numbers such as E.164 phones and negative values intact', () => {
    expect(csvCell('+12025550100')).toBe('+12025550100');
    expect(csvCell('-3')).toBe('-3');
    expect(csvCell('-3.5')).toBe('-3.5');
    expect(csvCell('+1 202 555 0100')).toBe("'+1 202 555 0100");
    expect(csvCell('+')).toBe("'+");
    expect(csvCell('-')).toBe("'-");
  });

  it('renders numbers, null and undefined', () => {
    expect(csvCell(12.5)).toBe('12.5');
    expect(csvCell(0)).toBe('0');
    expect(csvCell(-1)).toBe('-1');
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
  });

  it('joins a CRLF-terminated record', () => {
    expect(csvLine(['a', 'b,c', null, 3])).toBe('a,"b,c",,3\r\n');
    expect(csvLine([])).toBe('\r\n');
  });
});
