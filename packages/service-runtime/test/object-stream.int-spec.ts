import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';

import { JetStreamManager, jetstreamManager } from '@nats-io/jetstream';
import { Objm } from '@nats-io/obj';
import { connect, NatsConnection } from '@nats-io/transport-node';
import { uploadsBucketName } from '@outdial/contracts';

import { createIsolatedEnv, IsolatedEnv } from '../../../test/support/isolated-env';
import { NatsBus, UploadStore } from '../src';

async function readAll(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(Buffer.from(part));
  return Buffer.concat(parts);
}

describe('reading uploads from the object store with backpressure', () => {
  let env: IsolatedEnv;
  let bus: NatsBus;
  let uploads: UploadStore;
  /** The test's own connection, for what the port does not show (the object's nuid, the server's consumers). */
  let raw: { nc: NatsConnection; jsm: JetStreamManager };

  beforeAll(async () => {
    env = await createIsolatedEnv('objstream');
    bus = await NatsBus.connect(env.natsUrl, env.prefix, 'object-stream-test');
    uploads = bus.uploadsStore();
    const nc = await connect({ servers: env.natsUrl });
    raw = { nc, jsm: await jetstreamManager(nc) };
  });

  afterAll(async () => {
    await raw?.nc.close();
    await bus?.close();
    await env?.cleanup();
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
    await uploads.putBytes(name, data);
    const stream = await uploads.get(name);
    expect(stream).not.toBeNull();
    expect((await readAll(stream!)).equals(data)).toBe(true);
  });

  it('answers null for a missing or deleted upload', async () => {
    expect(await uploads.get('never-stored')).toBeNull();
    await uploads.putBytes('gone', randomBytes(10));
    await uploads.delete('gone');
    expect(await uploads.get('gone')).toBeNull();
  });

  it('pulls chunks only as the reader asks: an unread stream holds a few chunks, not the file', async () => {
    const name = 'large-unread';
    await uploads.putBytes(name, randomBytes(8 * 1024 * 1024));
    const stream = (await uploads.get(name))!;
    try {
      const first = await new Promise<Buffer>((resolve) => stream.once('data', (chunk: Buffer) => resolve(chunk)));
      stream.pause();
      await new Promise((r) => setTimeout(r, 300));
      // The server has handed out only a bounded read-ahead of the file's 64 chunks.
      expect(first.length).toBeGreaterThan(0);
      // Earlier reads' ephemeral consumers may linger a while: look at the one reading this object.
      const { nuid } = (await (await new Objm(raw.nc).open(uploadsBucketName(env.prefix))).info(name))!;
      const delivered: number[] = [];
      for await (const consumer of raw.jsm.consumers.list(`OBJ_${uploadsBucketName(env.prefix)}`)) {
        if (consumer.config.filter_subject?.endsWith(nuid)) delivered.push(consumer.delivered.consumer_seq);
      }
      expect(delivered.length).toBe(1);
      expect(delivered[0]).toBeLessThanOrEqual(16);
    } finally {
      stream.destroy(); // an unfinished read must not keep the connection busy
    }
  });
});
