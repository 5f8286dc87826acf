import type { ResultsPage } from '@outdial/contracts';

/**
 * Bytes a text takes inside the JSON reply (UTF-8, after JSON escaping). CSV is rich in what JSON
 * escapes (`"`, CR, LF), so counting raw CSV bytes could push a near-limit page over the NATS
 * payload limit; counting escaped bytes keeps the raw CSV within the budget as well.
 */
export function wireBytes(text: string): number {
  return Buffer.byteLength(JSON.stringify(text), 'utf8') - 2;
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
    this.append(line);
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
