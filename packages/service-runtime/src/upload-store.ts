import { Readable } from 'node:stream';

import type { ObjectInfo, ObjectStore } from '@nats-io/obj';

/** What the uploads store knows about one object. */
export interface UploadObjectInfo {
  name: string;
  /** Bytes. */
  size: number;
  /** `SHA-256=<base64>` as the server computed it, when known. */
  digest?: string;
}

/**
 * The uploads object store (gateway stores an uploaded file, ingest reads it) as a port. The
 * NATS JetStream object store is the implementation; `readUpload`-style reads honour backpressure.
 */
export abstract class UploadStore {
  /** Stores a stream under `name` (replacing any). Rejects on a source error; the caller deletes the partial object. */
  abstract put(name: string, source: Readable): Promise<UploadObjectInfo>;
  /** Stores bytes under `name`. */
  abstract putBytes(name: string, bytes: Uint8Array): Promise<UploadObjectInfo>;
  /** The object as a stream read with backpressure (digest checked at the end); null when missing. */
  abstract get(name: string): Promise<Readable | null>;
  /** Info, or null when missing or deleted. */
  abstract info(name: string): Promise<UploadObjectInfo | null>;
  /** Deletes the object; resolves also when it does not exist. */
  abstract delete(name: string): Promise<void>;
}

function toInfo(info: ObjectInfo): UploadObjectInfo {
  return { name: info.name, size: info.size, ...(info.digest ? { digest: info.digest } : {}) };
}

/** UploadStore over the JetStream object store bucket `<prefix>_uploads`. */
export class NatsUploadStore extends UploadStore {
  constructor(
    private readonly open: () => Promise<ObjectStore>,
    private readonly read: (name: string) => Promise<Readable | null>,
  ) {
    super();
  }

  async put(name: string, source: Readable): Promise<UploadObjectInfo> {
    const store = await this.open();
    const web = Readable.toWeb(source) as ReadableStream<Uint8Array>;
    return toInfo(await store.put({ name }, web));
  }

  async putBytes(name: string, bytes: Uint8Array): Promise<UploadObjectInfo> {
    const store = await this.open();
    return toInfo(await store.putBlob({ name }, bytes));
  }

  get(name: string): Promise<Readable | null> {
    return this.read(name);
  }

  async info(name: string): Promise<UploadObjectInfo | null> {
    const store = await this.open();
    const info = await store.info(name);
    return info && !info.deleted ? toInfo(info) : null;
  }

  async delete(name: string): Promise<void> {
    const store = await this.open();
    const info = await store.info(name);
    if (!info || info.deleted) return;
    await store.delete(name);
  }
}
