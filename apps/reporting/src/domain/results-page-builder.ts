import type { ResultsPage } from '@outdial/contracts';

/**
 * Bytes a text takes inside the JSON reply (UTF-8, after JSON escaping). CSV is rich in what JSON
 * escapes (`"`, CR, LF), so counting raw CSV bytes could push a near-limit page over the NATS
 * payload limit; counting escaped bytes keeps the raw CSV within the budget as well.
 *
 * Equal to `Buffer.byteLength(JSON.stringify(text)) - 2` (the unit tests hold them together), but
 * counted in one pass instead of building two copies of every record of a million-row export.
 */
export function wireBytes(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x20 && c < 0x7f) {
      if (c === 0x22 || c === 0x5c) bytes += 1; // \" \\
    } else if (c < 0x20) {
      bytes += c === 0x08 || c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d ? 1 : 5; // \n or \u0001
    } else if (c === 0x7f) {
      // DEL is sent as is
    } else if (c < 0x800) {
      bytes += 1;
    } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && isLowSurrogate(text.charCodeAt(i + 1))) {
      bytes += 2; // a pair: 4 bytes for 2 units
      i++;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      bytes += 5; // a lone surrogate is escaped as \udxxx
    } else {
      bytes += 2;
    }
  }
  return bytes;
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/**
 * Assembles one page of the results CSV within a byte budget (as sent, see wireBytes). A record that
 * would push the page past the budget is left for the next page, except the page's first record:
 * a page always makes progress, even when one transcript alone is larger than the budget.
 */
export class ResultsPageBuilder {
  private readonly parts: string[] = [];
  private bytes = 0;
  private records = 0;
  private recordsBytes = 0;
  private last: number | null = null;
  private full = false;

  constructor(
    private readonly maxBytes: number,
    header?: string,
  ) {
    if (header !== undefined) this.append(header);
  }

  /** Adds the record of `row`; false (and nothing added) once the page is full. */
  tryAdd(row: number, line: string): boolean {
    if (this.full) return false;
    const size = wireBytes(line);
    if (this.records > 0 && this.bytes + size > this.maxBytes) {
      this.full = true;
      return false;
    }
    this.parts.push(line);
    this.bytes += size;
    this.recordsBytes += size;
    this.records++;
    this.last = row;
    return true;
  }

  get isFull(): boolean {
    return this.full;
  }

  get recordCount(): number {
    return this.records;
  }

  /** Bytes taken so far (as sent), header included. */
  get byteCount(): number {
    return this.bytes;
  }

  /** Bytes taken by the records so far (as sent), header excluded. */
  get recordBytes(): number {
    return this.recordsBytes;
  }

  get lastRow(): number | null {
    return this.last;
  }

  /** `exhausted`: no records exist after the last one offered. */
  finish(exhausted: boolean): ResultsPage {
    const more = this.full || !exhausted;
    return { csv: this.parts.join(''), next_after_row: more && this.last !== null ? this.last : null };
  }

  private append(text: string): void {
    this.parts.push(text);
    this.bytes += wireBytes(text);
  }
}
