import { isUtf8 } from 'node:buffer';
import { Transform, TransformCallback } from 'node:stream';

import { ServiceError } from '@outdial/service-runtime';

/**
 * Why a file is not UTF-8 and what to do. Not guessed and converted: Windows-1252, Latin-1 and Mac
 * Roman cannot be told apart from the bytes, and a wrong guess silently garbles every name.
 */
const OTHER_ENCODING_HINT =
  ': it is probably in another encoding (Excel\'s "CSV (Comma delimited)" writes Windows-1252); save it as "CSV UTF-8" (or UTF-16 "Unicode Text") and upload it again';

/**
 * Checks a byte stream is strict UTF-8; invalid bytes fail with `invalid_utf8` naming the line
 * (1-based, header = line 1). Counts bytes, failing with `payload_too_large` past the limit.
 * Output `text` decodes (and drops a BOM); output `bytes` passes the checked bytes on unchanged,
 * for a parser that works on bytes (decoding to text only to have it encoded again is waste).
 */
export class StrictUtf8Decoder extends Transform {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  private line = 1;
  private bytes = 0;
  /** The unfinished character at the end of the last chunk, so a bad byte is found where it is. */
  private carry: Buffer = Buffer.alloc(0);

  constructor(
    private readonly maxBytes: number,
    private readonly output: 'text' | 'bytes' = 'text',
  ) {
    super({ readableObjectMode: false, decodeStrings: true });
    if (output === 'text') this.setEncoding('utf8');
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.maxBytes) {
      callback(
        new ServiceError('payload_too_large', `the file is larger than the limit of ${this.maxBytes} bytes`, {
          limit_bytes: this.maxBytes,
        }),
      );
      return;
    }
    if (this.output === 'bytes') {
      this.passBytes(chunk, callback);
      return;
    }
    let text: string;
    try {
      text = this.decoder.decode(chunk, { stream: true });
    } catch {
      callback(this.invalid(Buffer.concat([this.carry, chunk])));
      return;
    }
    this.carry = incompleteTail(Buffer.concat([this.carry, chunk]));
    const nul = text.indexOf('\u0000');
    if (nul >= 0) {
      callback(this.binary(this.line + countNewlines(text.slice(0, nul))));
      return;
    }
    this.line += countNewlines(text);
    callback(null, text);
  }

  private passBytes(chunk: Buffer, callback: TransformCallback): void {
    const data = this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk;
    const tail = incompleteTail(data);
    const whole = tail.length > 0 ? data.subarray(0, data.length - tail.length) : data;
    if (!isUtf8(whole)) {
      callback(this.invalid(data));
      return;
    }
    const nul = whole.indexOf(0);
    if (nul >= 0) {
      callback(this.binary(this.line + countNewlineBytes(whole.subarray(0, nul))));
      return;
    }
    this.carry = tail;
    this.line += countNewlineBytes(whole);
    callback(null, whole);
  }

  override _flush(callback: TransformCallback): void {
    if (this.output === 'bytes') {
      if (this.carry.length > 0)
        callback(
          new ServiceError(
            'invalid_utf8',
            `the file is not valid UTF-8 at its end (line ${this.line})${OTHER_ENCODING_HINT}`,
            { line: this.line },
          ),
        );
      else callback();
      return;
    }
    try {
      const rest = this.decoder.decode();
      callback(null, rest);
    } catch {
      callback(
        new ServiceError(
          'invalid_utf8',
          `the file is not valid UTF-8 at its end (line ${this.line})${OTHER_ENCODING_HINT}`,
          { line: this.line },
        ),
      );
    }
  }

  /** Valid UTF-8 but no text file has NUL characters: a binary file (spreadsheet, image, ...). */
  private binary(line: number): ServiceError {
    return new ServiceError(
      'invalid_file',
      `the file contains a NUL byte at line ${line}: it is binary, not CSV or JSON text (save a spreadsheet as "CSV UTF-8")`,
      { line },
    );
  }

  /** Finds the line of the first bad byte in a chunk that failed to decode. */
  private invalid(chunk: Buffer): ServiceError {
    let line = this.line;
    const probe = new TextDecoder('utf-8', { fatal: true });
    let good = 0;
    for (let end = 1; end <= chunk.length; end++) {
      try {
        probe.decode(chunk.subarray(good, end), { stream: true });
        if (chunk[end - 1] === 0x0a) line++;
        good = end;
      } catch {
        break;
      }
    }
    return new ServiceError(
      'invalid_utf8',
      `the file is not valid UTF-8 at line ${line} (data row ${Math.max(1, line - 1)})${OTHER_ENCODING_HINT}`,
      { line, row: Math.max(1, line - 1) },
    );
  }
}

/** The bytes of a character that the buffer ends in the middle of (none when it ends cleanly). */
export function incompleteTail(buffer: Buffer): Buffer {
  for (let i = buffer.length - 1; i >= Math.max(0, buffer.length - 3); i--) {
    const byte = buffer[i];
    if ((byte & 0xc0) === 0x80) continue; // a continuation byte: look further back for the lead byte
    const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return buffer.length - i < length ? Buffer.from(buffer.subarray(i)) : Buffer.alloc(0);
  }
  return Buffer.alloc(0);
}

function countNewlineBytes(bytes: Buffer): number {
  let n = 0;
  for (let i = bytes.indexOf(0x0a); i !== -1; i = bytes.indexOf(0x0a, i + 1)) n++;
  return n;
}

function countNewlines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
