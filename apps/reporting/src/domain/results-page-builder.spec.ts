import { ResultsPageBuilder, wireBytes } from './results-page-builder';

/** A record of `size` bytes as sent: CRLF takes 4 bytes once JSON-escaped. */
const line = (n: number, size = 10) => `${String(n).padEnd(size - 4, 'x')}\r\n`;

describe('wireBytes', () => {
  it('counts UTF-8 bytes after JSON escaping', () => {
    expect(wireBytes('abc')).toBe(3);
    expect(wireBytes('a,b\r\n')).toBe(7);
    expect(wireBytes('"q"')).toBe(5);
    expect(wireBytes('é')).toBe(2);
    expect(wireBytes('\u0001')).toBe(6);
    expect(wireBytes('')).toBe(0);
  });

  it('equals the size of the JSON-escaped UTF-8 text for every kind of character', () => {
    const reference = (text: string) => Buffer.byteLength(JSON.stringify(text), 'utf8') - 2;
    const samples = [
      'plain,csv,record\r\n',
      'back\\slash "quoted" tab\t bell\u0007 nul\u0000 del\u007f ff\f bs\b',
      'é ß ñ \u07ff \u0800 € 日本語 \uffff',
      '😀 pair, then lone high \ud83d, lone low \ude00, high at the end \ud83d',
      '\ude00\ud83d reversed pair',
    ];
    for (const sample of samples) expect(wireBytes(sample)).toBe(reference(sample));
    // every UTF-16 code unit, alone and next to its neighbours
    let all = '';
    for (let c = 0; c <= 0xffff; c++) {
      const one = String.fromCharCode(c);
      expect(wireBytes(one)).toBe(reference(one));
      all += one;
    }
    expect(wireBytes(all)).toBe(reference(all));
  });
});

describe('ResultsPageBuilder', () => {
  it('adds records until the next one would exceed the budget', () => {
    const page = new ResultsPageBuilder(35, 'head\r\n'); // 8 bytes of header
    expect(page.tryAdd(1, line(1))).toBe(true); // 18
    expect(page.tryAdd(2, line(2))).toBe(true); // 28
    expect(page.tryAdd(3, line(3))).toBe(false); // would be 38
    expect(page.tryAdd(4, 'x')).toBe(false); // full stays full, even for a small record
    expect(page.finish(false)).toEqual({ csv: `head\r\n${line(1)}${line(2)}`, next_after_row: 2 });
  });

  it('fills the budget exactly', () => {
    const page = new ResultsPageBuilder(20);
    expect(page.tryAdd(1, line(1))).toBe(true);
    expect(page.tryAdd(2, line(2))).toBe(true);
    expect(page.tryAdd(3, line(3))).toBe(false);
    expect(page.finish(false).next_after_row).toBe(2);
  });

  it('always takes the first record, even alone over the budget', () => {
    const page = new ResultsPageBuilder(5, 'header\r\n');
    expect(page.tryAdd(9, line(9, 50))).toBe(true);
    expect(page.tryAdd(10, line(10))).toBe(false);
    expect(page.finish(false)).toEqual({ csv: `header\r\n${line(9, 50)}`, next_after_row: 9 });
  });

  it('ends with null when the source is exhausted and everything fit', () => {
    const page = new ResultsPageBuilder(1000);
    page.tryAdd(4, line(4));
    page.tryAdd(8, line(8));
    expect(page.finish(true)).toEqual({ csv: line(4) + line(8), next_after_row: null });
  });

  it('points past the last record when stopped for size, even if the source looked exhausted', () => {
    const page = new ResultsPageBuilder(12);
    page.tryAdd(1, line(1));
    page.tryAdd(2, line(2));
    expect(page.finish(true).next_after_row).toBe(1);
  });

  it('returns only the header for an empty first page, and nothing for an empty later page', () => {
    expect(new ResultsPageBuilder(100, 'h\r\n').finish(true)).toEqual({ csv: 'h\r\n', next_after_row: null });
    expect(new ResultsPageBuilder(100).finish(true)).toEqual({ csv: '', next_after_row: null });
  });

  it('counts escaped and multi-byte characters at their size as sent', () => {
    const page = new ResultsPageBuilder(12);
    expect(page.tryAdd(1, 'ééé\r\n')).toBe(true); // 6 + 4 bytes
    expect(page.tryAdd(2, '"')).toBe(true); // 2 more bytes -> exactly 12
    expect(page.tryAdd(3, 'x')).toBe(false); // 13
    expect(page.recordCount).toBe(2);
    expect(page.lastRow).toBe(2);
  });

  it('counts the bytes of the page and of its records apart from the header', () => {
    const page = new ResultsPageBuilder(100, 'head\r\n');
    expect(page.byteCount).toBe(8);
    expect(page.recordBytes).toBe(0);
    page.tryAdd(1, line(1));
    page.tryAdd(2, line(2, 20));
    expect(page.byteCount).toBe(38);
    expect(page.recordBytes).toBe(30);
  });
});
