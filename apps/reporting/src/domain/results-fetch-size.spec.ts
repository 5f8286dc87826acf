import {
  DEFAULT_RECORD_BYTES,
  MAX_FETCH_ROWS,
  MIN_FETCH_ROWS,
  nextFetchSize,
  RecordSizeHints,
} from './results-fetch-size';

describe('nextFetchSize', () => {
  it('asks for about as many rows as fit in what is left of the page, plus a few', () => {
    const rows = nextFetchSize(64 * 1024, 160);
    expect(rows).toBeGreaterThanOrEqual(Math.ceil((64 * 1024) / 160));
    expect(rows).toBeLessThanOrEqual(Math.ceil(((64 * 1024) / 160) * 1.1));
  });

  it('stays within bounds', () => {
    expect(nextFetchSize(10 * 1024 * 1024, 10)).toBe(MAX_FETCH_ROWS);
    expect(nextFetchSize(0, 160)).toBe(MIN_FETCH_ROWS);
    expect(nextFetchSize(-5, 160)).toBe(MIN_FETCH_ROWS);
    expect(nextFetchSize(1000, 100_000)).toBe(MIN_FETCH_ROWS);
    expect(nextFetchSize(100_000, 0)).toBe(MAX_FETCH_ROWS); // a zero average counts as one byte
  });
});

describe('RecordSizeHints', () => {
  it('answers the default for an unknown export and the last average for a known one', () => {
    const hints = new RecordSizeHints();
    expect(hints.get('a')).toBe(DEFAULT_RECORD_BYTES);
    hints.set('a', 300);
    hints.set('a', 250);
    expect(hints.get('a')).toBe(250);
    expect(hints.size).toBe(1);
  });

  it('forgets the least recently updated export beyond its capacity', () => {
    const hints = new RecordSizeHints(2);
    hints.set('a', 1);
    hints.set('b', 2);
    hints.set('a', 3); // a is now the newest
    hints.set('c', 4);
    expect(hints.size).toBe(2);
    expect(hints.get('b')).toBe(DEFAULT_RECORD_BYTES);
    expect(hints.get('a')).toBe(3);
    expect(hints.get('c')).toBe(4);
  });
});
