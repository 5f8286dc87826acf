import { ContactDraft, ContactRowValidator, isEmptyRow } from './contact-row';
import { ContactTable } from './contact-table';
import { IngestRefusal } from './ingest-refusal';
import { decodePhoneResult, PhoneNormalizer } from './phone-block';

/** Rows normalized together: big enough to make a worker round trip cheap, small enough to stream. */
const BLOCK_ROWS = 500;
/** Blocks in flight at once: the parser runs ahead while the workers normalize. */
const BLOCKS_IN_FLIGHT = 2;

/** The upload limits checked while streaming (SPEC §2; `INGEST_MAX_ROWS`, `INGEST_MAX_COLUMNS`). */
export interface RowLimits {
  maxRows: number;
  maxColumns: number;
}

export type ValidatedRow = ContactDraft;

interface Block {
  records: string[][];
  firstRow: number;
  phones: Promise<string[]>;
}

/**
 * The contacts to store, in row order, a block at a time: records are read, their phone cells
 * normalized a block at a time (in worker threads when the normalizer has them), then each row is
 * validated. Limits are checked while streaming: more data rows than `maxRows` stops the read at once.
 * Throws `IngestRefusal` `invalid_file` (more columns than `maxColumns`) or `too_many_rows`.
 */
export async function* validatedRows(
  table: ContactTable,
  validator: ContactRowValidator,
  normalizer: PhoneNormalizer,
  region: string,
  limits: RowLimits,
): AsyncGenerator<ValidatedRow[]> {
  if (table.headers.length > limits.maxColumns) {
    throw new IngestRefusal(
      'invalid_file',
      `the file has ${table.headers.length} columns; at most ${limits.maxColumns} are accepted`,
      {
        columns: table.headers.length,
        limit_columns: limits.maxColumns,
      },
    );
  }
  const queue: Block[] = [];
  let records: string[][] = [];
  let row = 0;
  let firstRow = 1;
  let nonEmpty = 0;

  const send = () => {
    const raws = records.map((cells) => validator.rawPhone(cells));
    const phones = normalizer.normalize(raws, region);
    phones.catch(() => undefined); // awaited in order below; a failure surfaces there
    queue.push({ records, firstRow, phones });
    records = [];
    firstRow = row + 1;
  };
  const drain = (block: Block, phones: string[]): ValidatedRow[] => {
    const contacts: ValidatedRow[] = [];
    for (let i = 0; i < block.records.length; i++) {
      const contact = validator.accept(block.records[i], block.firstRow + i, decodePhoneResult(phones[i]));
      if (contact) contacts.push(contact);
    }
    return contacts;
  };

  for await (const batch of table.rows) {
    for (const cells of batch) {
      row++;
      if (!isEmptyRow(cells) && ++nonEmpty > limits.maxRows) {
        throw new IngestRefusal('too_many_rows', `the file has more than the limit of ${limits.maxRows} rows`, {
          limit_rows: limits.maxRows,
        });
      }
      records.push(cells);
      if (records.length >= BLOCK_ROWS) send();
    }
    while (queue.length >= BLOCKS_IN_FLIGHT) {
      const block = queue.shift()!;
      yield drain(block, await block.phones);
    }
  }
  if (records.length > 0) send();
  while (queue.length > 0) {
    const block = queue.shift()!;
    yield drain(block, await block.phones);
  }
}
