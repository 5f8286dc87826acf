import { FirstRowTable } from './first-row-table';

describe('FirstRowTable', () => {
  it('returns undefined for a new number and the first row for a repeated one', () => {
    const table = new FirstRowTable();
    expect(table.firstRowOrAdd('+14155550100', 1)).toBeUndefined();
    expect(table.firstRowOrAdd('+442071838750', 2)).toBeUndefined();
    expect(table.firstRowOrAdd('+14155550100', 3)).toBe(1);
    expect(table.firstRowOrAdd('+14155550100', 4)).toBe(1);
    expect(table.firstRowOrAdd('+442071838750', 5)).toBe(2);
    expect(table.size).toBe(2);
  });

  it('keeps every number through many growths (agrees with a Map on 200,000 numbers, 1 in 4 repeated)', () => {
    const table = new FirstRowTable(16);
    const reference = new Map<string, number>();
    const seen: string[] = [];
    let seed = 7;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
    for (let row = 1; row <= 200_000; row++) {
      // Numbers of one country share their leading digits: the hash must still spread them.
      const phone = row % 4 === 0 ? seen[next() % seen.length] : `+1415${String(next() % 10_000_000).padStart(7, '0')}`;
      const expected = reference.get(phone);
      if (expected === undefined) {
        reference.set(phone, row);
        seen.push(phone);
      }
      expect(table.firstRowOrAdd(phone, row)).toBe(expected);
    }
    expect(table.size).toBe(reference.size);
  });

  it('handles the longest E.164 numbers (15 digits) exactly', () => {
    const table = new FirstRowTable();
    expect(table.firstRowOrAdd('+999999999999999', 1)).toBeUndefined();
    expect(table.firstRowOrAdd('+999999999999998', 2)).toBeUndefined();
    expect(table.firstRowOrAdd('+999999999999999', 3)).toBe(1);
  });

  it('refuses a value that is not an E.164 number rather than mixing it up with another', () => {
    expect(() => new FirstRowTable().firstRowOrAdd('+', 1)).toThrow(RangeError);
    expect(() => new FirstRowTable().firstRowOrAdd('+12345678901234567890', 1)).toThrow(RangeError);
  });
});
