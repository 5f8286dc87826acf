/** Rows read at most per query while filling a page. */
export const MAX_FETCH_ROWS = 2000;
/** Rows read at least per query (a read costs a round trip whatever its size). */
export const MIN_FETCH_ROWS = 16;
/** Assumed size of a record (as sent) before any was seen: a results record with a short transcript. */
export const DEFAULT_RECORD_BYTES = 160;

/**
 * How many rows to read next for a page with `remainingBytes` of budget left, when records take
 * `averageRecordBytes` each: about as many as fit, plus a few, so that a page usually takes one read
 * and few rows are read only to be left for the next page.
 */
export function nextFetchSize(remainingBytes: number, averageRecordBytes: number): number {
  const fit = Math.ceil(Math.max(0, remainingBytes) / Math.max(1, averageRecordBytes));
  return Math.min(MAX_FETCH_ROWS, Math.max(MIN_FETCH_ROWS, Math.ceil(fit * 1.05) + 2));
}

/**
 * The average record size of the last page served per export (batch and filter), so that the next
 * page's first read is sized right: an export asks page after page, and records of one batch are
 * alike. Only a hint (a wrong one costs one more read or some rows read twice); bounded, oldest
 * export forgotten first.
 */
export class RecordSizeHints {
  private readonly hints = new Map<string, number>();

  constructor(private readonly capacity = 256) {}

  get(key: string): number {
    return this.hints.get(key) ?? DEFAULT_RECORD_BYTES;
  }

  set(key: string, averageRecordBytes: number): void {
    this.hints.delete(key); // re-inserted as the newest
    this.hints.set(key, averageRecordBytes);
    if (this.hints.size > this.capacity) this.hints.delete(this.hints.keys().next().value as string);
  }

  get size(): number {
    return this.hints.size;
  }
}
