import { Readable } from 'node:stream';

import { ServiceError } from '@outdial/service-runtime';
import { parse } from 'csv-parse';

import { ContactTable } from '../../domain/contact-table';
import { detectSeparator } from '../../domain/csv-dialect';
import { JsonArraySplitter } from './json-array-splitter';
import { StrictUtf8Decoder } from './utf8-decoder';
import { Utf16Transcoder } from './utf16-transcoder';

export const MAX_ROW_BYTES = 512 * 1024;
/** Rows handed on per batch. */
const ROW_BATCH = 500;
/**
 * The parser is fed at most this many bytes at a time: it turns a whole piece into records at once,
 * and records that wait long get promoted to the old generation (GC work and memory).
 */
const PARSER_PIECE_BYTES = 16 * 1024;

export function isJsonUpload(filename: string, contentType: string): boolean {
  return /json/i.test(contentType) || /\.json$/i.test(filename);
}

/**
 * The upload's bytes as checked UTF-8 (`bytes`) or text: a UTF-16 file (Excel "Unicode text") is
 * transcoded first, anything else must be strict UTF-8. Errors of any stage end the returned stream.
 */
function checkedUtf8(bytes: Readable, maxBytes: number, output: 'text' | 'bytes'): StrictUtf8Decoder {
  const transcoder = new Utf16Transcoder();
  const checked = new StrictUtf8Decoder(maxBytes, output);
  bytes.on('error', (error) => checked.destroy(error));
  transcoder.on('error', (error) => checked.destroy(error));
  bytes.pipe(transcoder).pipe(checked);
  return checked;
}

/**
 * Reads a CSV upload: strict UTF-8 (or UTF-16, transcoded), BOM, CRLF, quoted fields, separator
 * detected from the header. The parser works on the checked bytes directly (no decode to text and back).
 */
export async function openCsv(bytes: Readable, maxBytes: number): Promise<ContactTable> {
  const checked = checkedUtf8(bytes, maxBytes, 'bytes');
  const iterator = checked[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  // The separator is detected from the first line. Each checked piece ends on a whole character.
  const headPieces: Buffer[] = [];
  let headBytes = 0;
  while (headBytes < 64 * 1024) {
    const next = await iterator.next();
    if (next.done) break;
    headPieces.push(next.value);
    headBytes += next.value.length;
    if (next.value.includes(0x0a) || next.value.includes(0x0d)) break;
  }
  const head = Buffer.concat(headPieces);
  const headText = head.toString('utf8').replace(/^\uFEFF/, '');
  if (headText.trim() === '')
    throw new ServiceError(
      'invalid_file',
      'the file is empty: expected a header row naming a phone column, then one contact per row',
      {
        line: 1,
        expected: 'phone,name\n+14155550100,Ada',
      },
    );
  const parser = parse({
    delimiter: detectSeparator(headText),
    bom: true,
    relax_column_count: true,
    max_record_size: MAX_ROW_BYTES,
    skip_empty_lines: false,
  });
  const source = Readable.from(
    (async function* () {
      for (let i = 0; i < head.length; i += PARSER_PIECE_BYTES) yield head.subarray(i, i + PARSER_PIECE_BYTES);
      for (;;) {
        const next = await iterator.next();
        if (next.done) return;
        for (let i = 0; i < next.value.length; i += PARSER_PIECE_BYTES)
          yield next.value.subarray(i, i + PARSER_PIECE_BYTES);
      }
    })(),
  );
  source.on('error', (error) => parser.destroy(error));
  // Errors are read from `parser.errored` where records are read; this keeps an error raised between
  // two reads from being an unhandled 'error' event.
  parser.on('error', () => undefined);
  source.pipe(parser);
  const first = await readRecords(parser, 1);
  if (first === null) throw new ServiceError('invalid_file', 'the file has no header row');
  const headers = first[0].map((h) => h.replace(/^\uFEFF/, ''));
  return {
    headers,
    rows: (async function* () {
      for (;;) {
        const batch = await readRecords(parser, ROW_BATCH);
        if (batch === null) return;
        yield batch;
      }
    })(),
  };
}

/**
 * Up to `max` records the parser has ready (waiting only when it has none), or null at the end.
 * Parse errors become the file's error.
 */
async function readRecords(parser: Readable, max: number): Promise<string[][] | null> {
  for (;;) {
    const batch: string[][] = [];
    let record: string[] | null;
    while (batch.length < max && (record = parser.read() as string[] | null) !== null) batch.push(record);
    if (batch.length > 0) return batch;
    if (parser.errored) throw toFileError(parser.errored);
    if (parser.readableEnded) return null;
    await new Promise<void>((resolve) => {
      const settle = () => {
        parser.off('readable', settle);
        parser.off('end', settle);
        parser.off('error', settle);
        parser.off('close', settle);
        resolve();
      };
      parser.on('readable', settle);
      parser.on('end', settle);
      parser.on('error', settle);
      parser.on('close', settle);
    });
    if (parser.errored) throw toFileError(parser.errored);
    if (parser.destroyed && !parser.readableEnded && parser.readableLength === 0)
      throw new Error('the CSV parser was closed before the end of the file');
  }
}

function toFileError(error: unknown): Error {
  if (error instanceof ServiceError) return error;
  const e = error as { code?: string; message?: string; lines?: number };
  if (typeof e?.code === 'string' && e.code.startsWith('CSV_')) {
    const reason =
      e.code === 'CSV_MAX_RECORD_SIZE'
        ? `a row is longer than ${MAX_ROW_BYTES} bytes`
        : e.code === 'CSV_QUOTE_NOT_CLOSED'
          ? 'a quoted field is never closed'
          : (e.message ?? e.code);
    return new ServiceError('invalid_file', `the CSV cannot be read near line ${e.lines ?? '?'}: ${reason}`, {
      line: e.lines,
      csv_error: e.code,
    });
  }
  return error as Error;
}

/** Opens the upload's bytes (again): a JSON upload is read twice, never held whole. */
export type ByteSource = () => Promise<Readable>;

/**
 * Reads a JSON upload: an array of objects; nested objects become `parent.child` columns. A first
 * pass collects the columns (the union of every item's keys, in first-seen order), a second pass
 * yields the rows; each pass holds one item at a time.
 */
export async function openJsonArray(open: ByteSource, maxBytes: number): Promise<ContactTable> {
  const headers: string[] = [];
  const known = new Set<string>();
  for await (const item of jsonItems(await open(), maxBytes)) {
    for (const key of Object.keys(item)) {
      if (!known.has(key)) {
        known.add(key);
        headers.push(key);
      }
    }
  }
  return {
    headers,
    rows: (async function* () {
      let batch: string[][] = [];
      for await (const item of jsonItems(await open(), maxBytes)) {
        batch.push(headers.map((h) => item[h] ?? ''));
        if (batch.length >= ROW_BATCH) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length > 0) yield batch;
    })(),
  };
}

async function* jsonItems(bytes: Readable, maxBytes: number): AsyncGenerator<Record<string, string>> {
  const text = checkedUtf8(bytes, maxBytes, 'text');
  const splitter = new JsonArraySplitter(MAX_ROW_BYTES);
  let index = 0;
  try {
    for await (const chunk of text as AsyncIterable<string>) {
      for (const source of splitter.push(chunk)) yield parseItem(source, ++index);
    }
    splitter.end();
  } finally {
    bytes.destroy();
  }
}

function parseItem(source: string, index: number): Record<string, string> {
  let item: unknown;
  try {
    item = JSON.parse(source);
  } catch (error) {
    throw new ServiceError(
      'invalid_file',
      `item ${index} of the JSON array cannot be parsed: ${(error as Error).message}`,
      { row: index },
    );
  }
  if (item === null || typeof item !== 'object' || Array.isArray(item)) {
    throw new ServiceError('invalid_file', `item ${index} is not an object`, { row: index });
  }
  return flattenObject(item as Record<string, unknown>);
}

function flattenObject(value: Record<string, unknown>, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(value)) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (key === 'script' && !prefix && v !== null && typeof v === 'object') out[name] = JSON.stringify(v);
    else if (v !== null && typeof v === 'object' && !Array.isArray(v))
      Object.assign(out, flattenObject(v as Record<string, unknown>, name));
    else if (Array.isArray(v)) out[name] = JSON.stringify(v);
    else out[name] = v === null || v === undefined ? '' : String(v);
  }
  return out;
}
