import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';

import type { JetStreamClient } from '@nats-io/jetstream';
import type { ObjectStore } from '@nats-io/obj';

/** Chunks (128 KB each by default) asked of the server at a time while a reader keeps up. */
const CHUNKS_IN_FLIGHT = 4;

/**
 * An object store entry as a Node stream that honours backpressure. The client library's `get()`
 * pushes every chunk into memory as fast as the server sends it, so a 100 MB upload read by a
 * slower parser sat in memory whole; here chunks are pulled a few at a time, only as the reader
 * asks for more. The SHA-256 digest is still checked at the end. Null when there is no such entry.
 */
export async function readObjectStream(
  js: JetStreamClient,
  store: ObjectStore,
  bucket: string,
  name: string,
): Promise<Readable | null> {
  const info = await store.info(name);
  if (!info || info.deleted) return null;
  if (info.size === 0) return Readable.from([]);
  const consumer = await js.consumers.get(`OBJ_${bucket}`, { filter_subjects: `$O.${bucket}.C.${info.nuid}` });
  const expectedDigest = normalizeDigest(info.digest);

  async function* chunks(): AsyncGenerator<Uint8Array> {
    const hash = createHash('sha256');
    let received = 0;
    const messages = await consumer.consume({ max_messages: CHUNKS_IN_FLIGHT });
    try {
      for await (const message of messages) {
        if (message.data.length > 0) {
          hash.update(message.data);
          received++;
          yield message.data;
        }
        if (message.info.pending === 0) break;
      }
    } finally {
      await messages.close().catch(() => undefined);
    }
    if (received !== info!.chunks) throw new Error(`object ${name}: received ${received} of ${info!.chunks} chunks`);
    if (expectedDigest && normalizeDigest(`SHA-256=${hash.digest('base64')}`) !== expectedDigest) {
      throw new Error(`object ${name}: corrupt, the SHA-256 digest does not match`);
    }
  }
  return Readable.from(chunks(), { objectMode: false, highWaterMark: 256 * 1024 });
}

/** Digests are `SHA-256=` + base64 or base64url depending on the server: compare them alike. */
function normalizeDigest(digest: string | undefined): string | undefined {
  if (!digest?.startsWith('SHA-256=')) return undefined;
  return digest.slice('SHA-256='.length).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
