import { Transform, TransformCallback } from 'node:stream';
import { TextDecoder } from 'node:util';

import { ServiceError } from '@outdial/service-runtime';

export type DetectedEncoding = 'utf-8' | 'utf-16le' | 'utf-16be';

/**
 * The encoding of a file from its first bytes. UTF-16 is what Excel writes for "Unicode Text"
 * (and some exports for CSV): a BOM `FF FE` (little endian) or `FE FF` (big endian), or, without a
 * BOM, ASCII text with a NUL byte beside every character. A UTF-8 CSV never has NUL bytes, so
 * the guess without a BOM cannot mistake a UTF-8 file. Everything else is read as UTF-8 (the
 * strict decoder refuses what is not). Needs at least 4 bytes to guess without a BOM.
 */
export function detectEncoding(head: Uint8Array): DetectedEncoding {
  if (head.length >= 2 && head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head.length >= 2 && head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  if (head.length >= 4) {
    if (head[0] !== 0 && head[1] === 0 && head[2] !== 0 && head[3] === 0) return 'utf-16le';
    if (head[0] === 0 && head[1] !== 0 && head[2] === 0 && head[3] !== 0) return 'utf-16be';
  }
  return 'utf-8';
}

/**
 * Passes UTF-8 bytes through untouched and transcodes a UTF-16 file (issue 12 §3: Excel "Unicode
 * text") to UTF-8 bytes, BOM dropped, so the rest of the reader sees one encoding. The encoding is
 * decided on the first 4 bytes. Invalid UTF-16 (a lone surrogate, an odd byte at the end) fails
 * with `invalid_file` saying to save the file as "CSV UTF-8".
 */
export class Utf16Transcoder extends Transform {
  private head: Buffer | null = Buffer.alloc(0);
  private decoder: TextDecoder | null = null;
  /** The encoding found, once decided. */
  encoding: DetectedEncoding | null = null;

  constructor() {
    super({ decodeStrings: true });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.head !== null) {
      this.head = Buffer.concat([this.head, chunk]);
      if (this.head.length < 4) {
        callback();
        return;
      }
      chunk = this.head;
      this.head = null;
      this.decide(chunk);
    }
    this.convert(chunk, false, callback);
  }

  override _flush(callback: TransformCallback): void {
    if (this.head !== null) {
      const head = this.head;
      this.head = null;
      this.decide(head);
      this.convert(head, true, callback);
      return;
    }
    this.convert(Buffer.alloc(0), true, callback);
  }

  private decide(head: Buffer): void {
    this.encoding = detectEncoding(head);
    // ignoreBOM false: the decoder drops the BOM.
    if (this.encoding !== 'utf-8') this.decoder = new TextDecoder(this.encoding, { fatal: true, ignoreBOM: false });
  }

  private convert(chunk: Buffer, end: boolean, callback: TransformCallback): void {
    if (this.decoder === null) {
      callback(null, chunk.length > 0 ? chunk : undefined);
      return;
    }
    let text: string;
    try {
      text = this.decoder.decode(chunk, { stream: !end });
    } catch {
      callback(
        new ServiceError(
          'invalid_file',
          `the file is ${this.encoding?.toUpperCase()} text with an invalid character: save it as "CSV UTF-8" and upload it again`,
          {
            encoding: this.encoding,
          },
        ),
      );
      return;
    }
    callback(null, text.length > 0 ? Buffer.from(text, 'utf8') : undefined);
  }
}
