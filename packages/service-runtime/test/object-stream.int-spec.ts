import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';

import { uploadsBucketName } from '@outdial/contracts';

import { createIsolatedEnv, IsolatedEnv } from '../../../test/support/isolated-env';
import { NatsBus } from '../src';

async function readAll(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(Buffer.from(part));
  return Buffer.concat(parts);
}

describe('reading uploads from the object store with backpressure', () => {
  let env: IsolatedEnv;
  let bus: NatsBus;

  beforeAll(async () => {
    env = await createIsolatedEnv('objstream');
    bus = await NatsBus.connect(env.natsUrl, env.prefix, 'object-stream-test');
  });

  afterAll(async () => {
    await (await bus.uploads()).destroy().catch(() => undefined);
    await bus.close();
    await env.cleanup();
  });

  it.each([
    ['empty', 0],
    ['one byte', 1],
    ['exactly one chunk', 128 * 1024],
    ['several chunks and a partial one', 3 * 128 * 1024 + 17],
    ['5 MB', 5 * 1024 * 1024],
  ])('returns the stored bytes exactly: %s', async (_label, size) => {
    const data = randomBytes(size);
    const name = `obj-${size}`;
    await (await bus.uploads()).putBlob({ name }, data);
    const stream = await bus.readUpload(name);
    expect(stream).not.toBeNull();
    expect((await readAll(stream!)).equals(data)).toBe(true);
  });

  it('answers null for a missing or deleted upload', async () => {
    expect(await bus.readUpload('never-stored')).toBeNull();
    const store = await bus.uploads();
    await store.putBlob({ name: 'gone' }, randomBytes(10));
    await store.delete('gone');
    expect(await bus.readUpload('gone')).toBeNull();
  });

  it('pulls chunks only as the reader asks: an unread stream holds a few chunks, not the file', async () => {
    const name = 'large-unread';
    await (await bus.uploads()).putBlob({ name }, randomBytes(8 * 1024 * 1024));
    const stream = (await bus.readUpload(name))!;
    try {
      const first = await new Promise<Buffer>((resolve) => stream.once('data', (chunk: Buffer) => resolve(chunk)));
      stream.pause();
      await new Promise((r) => setTimeout(r, 300));
      // The server has handed out only a bounded read-ahead of the file's 64 chunks.
      expect(first.length).toBeGreaterThan(0);
      // Earlier reads' ephemeral consumers may linger a while: look at the one reading this object.
      const { nuid } = (await (await bus.uploads()).info(name))!;
      const delivered: number[] = [];
      for await (const consumer of bus.connections().jsm.consumers.list(`OBJ_${uploadsBucketName(env.prefix)}`)) {
        if (consumer.config.filter_subject?.endsWith(nuid)) delivered.push(consumer.delivered.consumer_seq);
      }
      expect(delivered.length).toBe(1);
      expect(delivered[0]).toBeLessThanOrEqual(16);
    } finally {
      stream.destroy(); // an unfinished read must not keep the connection busy
    }
  });
});
