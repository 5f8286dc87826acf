/**
 * Remembers the first row of each phone number of an upload (for "duplicate of row N").
 *
 * A million-row file has up to a million numbers. A `Map` keyed by them costs ~50 bytes per entry
 * on the V8 heap (E.164 digits exceed the small-integer range, so every key is a boxed number)
 * and doubles in place when it grows; this open-addressing table keeps the keys in a
 * Float64Array and the rows in an Int32Array: 12 bytes per slot, outside the garbage-collected
 * heap. E.164 has at most 15 digits, so the digits are an exact double (and never 0: a free slot).
 */
export class FirstRowTable {
  private keys: Float64Array;
  private rows: Int32Array;
  private mask: number;
  private count = 0;

  constructor(expected = 1024) {
    let capacity = 1024;
    while (capacity < expected * 2) capacity *= 2;
    this.keys = new Float64Array(capacity);
    this.rows = new Int32Array(capacity);
    this.mask = capacity - 1;
  }

  get size(): number {
    return this.count;
  }

  /** The row already stored for `e164`, or stores `row` for it and returns undefined. */
  firstRowOrAdd(e164: string, row: number): number | undefined {
    const key = digitsOf(e164);
    let slot = hashOf(key) & this.mask;
    for (;;) {
      const existing = this.keys[slot];
      if (existing === 0) break;
      if (existing === key) return this.rows[slot];
      slot = (slot + 1) & this.mask;
    }
    this.keys[slot] = key;
    this.rows[slot] = row;
    // Kept at most half full, so probe sequences stay short.
    if (++this.count * 2 > this.keys.length) this.grow();
    return undefined;
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldRows = this.rows;
    this.keys = new Float64Array(oldKeys.length * 2);
    this.rows = new Int32Array(oldKeys.length * 2);
    this.mask = this.keys.length - 1;
    for (let i = 0; i < oldKeys.length; i++) {
      const key = oldKeys[i];
      if (key === 0) continue;
      let slot = hashOf(key) & this.mask;
      while (this.keys[slot] !== 0) slot = (slot + 1) & this.mask;
      this.keys[slot] = key;
      this.rows[slot] = oldRows[i];
    }
  }
}

/** "+14155550100" → 14155550100. */
function digitsOf(e164: string): number {
  const key = Number(e164.slice(1));
  if (!Number.isSafeInteger(key) || key <= 0) throw new RangeError(`not an E.164 number: ${e164}`);
  return key;
}

/** Mixes the high and low 26 bits (numbers of one country share their leading digits). */
function hashOf(key: number): number {
  const low = key % 67108864;
  const high = (key - low) / 67108864;
  const h = Math.imul(low ^ Math.imul(high, 0x9e3779b1), 0x85ebca6b);
  return (h ^ (h >>> 15)) >>> 0;
}
