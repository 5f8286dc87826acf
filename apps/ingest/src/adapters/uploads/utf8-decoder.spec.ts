import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import { ServiceError } from '@outdial/service-runtime';

import { StrictUtf8Decoder } from './utf8-decoder';

let output: 'text' | 'bytes' = 'text';

/**
 * Feeds the buffers through a decoder, in memory; resolves with the text or rejects with the error.
 * In bytes mode the checked bytes that came out are decoded here (a BOM is kept, as it came in).
 */
async function decode(chunks: Buffer[], maxBytes = 1_000_000): Promise<string> {
  const out: (string | Buffer)[] = [];
  const decoder = new StrictUtf8Decoder(maxBytes, output);
  await pipeline(
    Readable.from(chunks, { objectMode: false }),
    decoder,
    async (source: AsyncIterable<string | Buffer>) => {
      for await (const piece of source) out.push(piece);
    },
  );
  if (output === 'text') return out.join('');
  expect(out.every((piece) => Buffer.isBuffer(piece))).toBe(true);
  return Buffer.concat(out as Buffer[]).toString('utf8');
}

async function decodeError(chunks: Buffer[], maxBytes = 1_000_000): Promise<ServiceError> {
  try {
    await decode(chunks, maxBytes);
  } catch (error) {
    expect(error).toBeInstanceOf(ServiceError);
    return error as ServiceError;
  }
  throw new Error('expected a ServiceError, the stream decoded');
}

const b = (s: string) => Buffer.from(s, 'utf8');

describe.each(['text', 'bytes'] as const)('StrictUtf8Decoder, output %s', (mode) => {
  beforeAll(() => {
    output = mode;
  });

  it('passes ASCII and multi-byte UTF-8 through', async () => {
    expect(await decode([b('phone,name\n+12025550100,Zoë 東京 🚀\n')])).toBe('phone,name\n+12025550100,Zoë 東京 🚀\n');
  });

  it('decodes an empty stream to an empty string', async () => {
    expect(await decode([])).toBe('');
  });

  it('decodes multi-byte characters split across chunks', async () => {
    const bytes = b('a,é,€,🚀\n');
    // split inside é (2 bytes), € (3 bytes) and 🚀 (4 bytes)
    const cuts = [3, 6, 7, 10, 11, 12];
    const chunks: Buffer[] = [];
    let start = 0;
    for (const cut of cuts) {
      chunks.push(bytes.subarray(start, cut));
      start = cut;
    }
    chunks.push(bytes.subarray(start));
    expect(await decode(chunks)).toBe('a,é,€,🚀\n');
  });

  it('decodes a stream fed one byte at a time', async () => {
    const text = 'phone\n+4930123456,Müller,😀\n';
    expect(await decode([...b(text)].map((byte) => Buffer.from([byte])))).toBe(text);
  });

  it('strips a UTF-8 BOM from text, passes it on as bytes', async () => {
    expect(await decode([Buffer.from([0xef, 0xbb, 0xbf]), b('phone\n')])).toBe(
      mode === 'text' ? 'phone\n' : '\uFEFFphone\n',
    );
  });

  it('fails on an invalid byte with invalid_utf8 and its line', async () => {
    const error = await decodeError([
      Buffer.concat([b('phone,name\n+12025550100,Ann\n+12025550101,'), Buffer.from([0xff]), b('\n')]),
    ]);
    expect(error.code).toBe('invalid_utf8');
    expect(error.httpStatus).toBe(400);
    expect(error.message).toBe(
      'the file is not valid UTF-8 at line 3 (data row 2): it is probably in another encoding (Excel\'s "CSV (Comma delimited)" writes Windows-1252); save it as "CSV UTF-8" (or UTF-16 "Unicode Text") and upload it again',
    );
    expect(error.details).toEqual({ line: 3, row: 2 });
  });

  it('fails on an invalid byte in the header as line 1', async () => {
    const error = await decodeError([Buffer.concat([b('pho'), Buffer.from([0xc3, 0x28]), b('ne\n')])]);
    expect(error.code).toBe('invalid_utf8');
    expect(error.details).toEqual({ line: 1, row: 1 });
  });

  it('counts lines across earlier chunks', async () => {
    const error = await decodeError([
      b('phone\n+1\n'),
      b('+2\n+3\n'),
      Buffer.concat([b('ok\nbad'), Buffer.from([0x80])]),
    ]);
    expect(error.details).toEqual({ line: 6, row: 5 });
  });

  it('names the line of a broken sequence started in the previous chunk', async () => {
    // the file: line 1 "phone", line 2 "+1" followed by a lone lead byte, then three more lines
    const error = await decodeError([Buffer.concat([b('phone\n+1'), Buffer.from([0xe2])]), b('\n+2\n+3\n')]);
    expect(error.code).toBe('invalid_utf8');
    expect(error.details).toEqual({ line: 2, row: 1 });
  });

  it('fails on a truncated sequence at the end of the file', async () => {
    const error = await decodeError([b('phone\n+1\n'), Buffer.from([0xf0, 0x9f])]);
    expect(error.code).toBe('invalid_utf8');
    expect(error.message).toMatch(/^the file is not valid UTF-8 at its end \(line 3\): .* save it as "CSV UTF-8"/);
    expect(error.details).toEqual({ line: 3 });
  });

  it.each([
    ['an overlong encoding', [0xc0, 0xaf]],
    ['a UTF-16 surrogate', [0xed, 0xa0, 0x80]],
    ['a lone continuation byte', [0x80]],
  ])('rejects %s', async (_label, bytes) => {
    const error = await decodeError([Buffer.concat([b('phone\n'), Buffer.from(bytes)])]);
    expect(error.code).toBe('invalid_utf8');
    expect(error.details).toEqual({ line: 2, row: 1 });
  });

  it('accepts exactly maxBytes', async () => {
    expect(await decode([b('12345'), b('67890')], 10)).toBe('1234567890');
  });

  it('fails with payload_too_large one byte over maxBytes', async () => {
    const error = await decodeError([b('12345'), b('678901')], 10);
    expect(error.code).toBe('payload_too_large');
    expect(error.httpStatus).toBe(413);
    expect(error.message).toBe('the file is larger than the limit of 10 bytes');
    expect(error.details).toEqual({ limit_bytes: 10 });
  });

  it('counts bytes, not characters', async () => {
    // "ééééé" is 5 characters but 10 bytes
    expect(await decode([b('ééééé')], 10)).toBe('ééééé');
    expect((await decodeError([b('ééééé!')], 10)).code).toBe('payload_too_large');
  });
});
