import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import { ServiceError } from '@outdial/service-runtime';

import { detectEncoding, Utf16Transcoder } from './utf16-transcoder';

async function transcode(chunks: Buffer[]): Promise<{ bytes: Buffer; transcoder: Utf16Transcoder }> {
  const out: Buffer[] = [];
  const transcoder = new Utf16Transcoder();
  await pipeline(Readable.from(chunks, { objectMode: false }), transcoder, async (source: AsyncIterable<Buffer>) => {
    for await (const piece of source) out.push(piece);
  });
  return { bytes: Buffer.concat(out), transcoder };
}

/** UTF-16 BE bytes of a string (Node has no 'utf16be' Buffer encoding). */
function utf16be(text: string): Buffer {
  const le = Buffer.from(text, 'utf16le');
  return Buffer.from(le.swap16());
}

/** Splits a buffer into pieces of `size` bytes (odd sizes cut UTF-16 code units in half). */
const pieces = (buffer: Buffer, size: number) =>
  Array.from({ length: Math.ceil(buffer.length / size) }, (_, i) => buffer.subarray(i * size, (i + 1) * size));

const CSV = 'phone\tname\r\n+14155550101\tZoë 東京 🚀\r\n';

describe('detectEncoding', () => {
  it('finds UTF-16 by its BOM, or by NUL bytes beside ASCII; everything else is UTF-8', () => {
    expect(detectEncoding(Buffer.from([0xff, 0xfe, 0x70, 0x00]))).toBe('utf-16le');
    expect(detectEncoding(Buffer.from([0xfe, 0xff, 0x00, 0x70]))).toBe('utf-16be');
    expect(detectEncoding(Buffer.from('ph', 'utf16le'))).toBe('utf-16le');
    expect(detectEncoding(utf16be('ph'))).toBe('utf-16be');
    expect(detectEncoding(Buffer.from('phone', 'utf8'))).toBe('utf-8');
    expect(detectEncoding(Buffer.from([0xef, 0xbb, 0xbf, 0x70]))).toBe('utf-8');
    expect(detectEncoding(Buffer.alloc(0))).toBe('utf-8');
  });
});

describe('Utf16Transcoder', () => {
  it('passes UTF-8 through byte for byte', async () => {
    const bytes = Buffer.from(`\uFEFF${CSV}`, 'utf8');
    const { bytes: out, transcoder } = await transcode(pieces(bytes, 3));
    expect(out.equals(bytes)).toBe(true);
    expect(transcoder.encoding).toBe('utf-8');
  });

  it.each([1, 3, 7, 4096])(
    'transcodes UTF-16 LE with BOM (Excel "Unicode text") to UTF-8 without BOM, in pieces of %i bytes',
    async (size) => {
      const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(CSV, 'utf16le')]);
      const { bytes: out, transcoder } = await transcode(pieces(bytes, size));
      expect(out.toString('utf8')).toBe(CSV);
      expect(transcoder.encoding).toBe('utf-16le');
    },
  );

  it('transcodes UTF-16 BE with BOM, and UTF-16 LE without one', async () => {
    expect((await transcode([Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(CSV)])])).bytes.toString('utf8')).toBe(
      CSV,
    );
    expect((await transcode(pieces(Buffer.from(CSV, 'utf16le'), 5))).bytes.toString('utf8')).toBe(CSV);
  });

  it('passes tiny and empty inputs through', async () => {
    expect((await transcode([Buffer.from('a\n')])).bytes.toString()).toBe('a\n');
    expect((await transcode([])).bytes.length).toBe(0);
  });

  it('refuses invalid UTF-16 (odd byte at the end, lone surrogate) with invalid_file saying to save as CSV UTF-8', async () => {
    for (const bad of [
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('phone', 'utf16le'), Buffer.from([0x41])]),
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from([0x00, 0xd8, 0x41, 0x00])]),
    ]) {
      const error = await transcode([bad]).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ServiceError);
      expect((error as ServiceError).code).toBe('invalid_file');
      expect((error as ServiceError).message).toContain('save it as "CSV UTF-8"');
    }
  });
});
