/**
 * An upload as a header and a stream of rows of cells, read a batch of rows at a time. Built by the
 * upload adapters (`adapters/uploads/contact-source.ts`: CSV, JSON array); read by `validatedRows`.
 */
export interface ContactTable {
  headers: string[];
  /** Batches of rows in file order (a batch, not a row, per await: a million awaits cost seconds). */
  rows: AsyncIterable<string[][]>;
}
