import { createHash, randomUUID } from 'node:crypto';
import { Readable, Transform, TransformCallback } from 'node:stream';

import { UploadReference } from '@outdial/contracts';
import { ServiceError, UploadStore } from '@outdial/service-runtime';
import busboy from 'busboy';
import type { Request } from 'express';

/** An upload in the object store, with the SHA-256 of its bytes (the idempotency fingerprint). */
export interface StoredUpload extends UploadReference {
  sha256: string;
}

export interface ParsedUpload {
  fields: Record<string, string>;
  upload?: StoredUpload;
}

export function tooLarge(maxBytes: number): ServiceError {
  return new ServiceError('payload_too_large', `the file is larger than the limit of ${maxBytes} bytes`, {
    limit_bytes: maxBytes,
  });
}

/**
 * Counts and hashes bytes as they pass. Past the limit it passes nothing more and ends its output
 * (the store then holds a truncated object that the caller deletes): erroring a stream that feeds
 * the object store's writer would leave that writer's promises rejected with no one listening.
 */
export class MeteredStream extends Transform {
  size = 0;
  overflowed = false;
  private readonly hash = createHash('sha256');

  constructor(private readonly maxBytes: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.overflowed) {
      callback();
      return;
    }
    this.size += chunk.length;
    if (this.size > this.maxBytes) {
      this.overflowed = true;
      this.emit('overflow');
      callback();
      return;
    }
    this.hash.update(chunk);
    callback(null, chunk);
  }

  digest(): string {
    return this.hash.digest('hex');
  }
}

/**
 * Streams bytes into the JetStream object store through a MeteredStream. Over the limit the
 * source is drained (multipart: the rest of the request must still be read) or destroyed (a
 * download), the partial object deleted, and 413 thrown; a read error deletes it too.
 */
export async function storeStream(
  uploads: UploadStore,
  source: Readable,
  meta: { filename: string; content_type: string },
  maxBytes: number,
  onOverflow: 'drain' | 'destroy' = 'drain',
): Promise<StoredUpload> {
  const objectName = `upload-${randomUUID()}`;
  const metered = new MeteredStream(maxBytes);
  let failure: unknown;
  metered.once('overflow', () => {
    if (onOverflow === 'destroy') {
      source.unpipe(metered);
      metered.end();
      source.destroy();
    }
  });
  source.on('error', (error) => {
    failure ??= error;
    source.unpipe(metered);
    metered.end();
  });
  try {
    await uploads.put(objectName, source.pipe(metered));
  } catch (error) {
    failure ??= error;
  }
  if (failure || metered.overflowed) {
    await uploads.delete(objectName).catch(() => undefined);
    throw metered.overflowed ? tooLarge(maxBytes) : failure;
  }
  return {
    object_name: objectName,
    filename: meta.filename,
    content_type: meta.content_type,
    size: metered.size,
    sha256: metered.digest(),
  };
}

/**
 * Reads a multipart create request: the `file` part streams straight into the JetStream object
 * store (never buffered whole; the size limit is enforced while streaming), other parts are
 * settings fields.
 */
export async function receiveMultipart(
  request: Request,
  uploads: UploadStore,
  maxBytes: number,
): Promise<ParsedUpload> {
  const fields: Record<string, string> = {};
  let upload: StoredUpload | undefined;
  let storing: Promise<void> | undefined;
  let seenFile = false;

  await new Promise<void>((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      // One byte over the limit: busboy signals `limit` when the file reaches fileSize exactly.
      parser = busboy({
        headers: request.headers,
        limits: { fileSize: maxBytes + 1, files: 1, fields: 100, fieldSize: 1024 * 1024 },
      });
    } catch (error) {
      reject(new ServiceError('validation_failed', `malformed multipart request: ${(error as Error).message}`));
      return;
    }
    parser.on('field', (name, value) => {
      fields[name] = value;
    });
    parser.on('file', (name, file, info) => {
      if (name !== 'file' || seenFile) {
        file.resume();
        return;
      }
      seenFile = true;
      storing = storeStream(
        uploads,
        file,
        { filename: info.filename ?? 'upload.csv', content_type: info.mimeType ?? 'text/csv' },
        maxBytes,
      ).then((stored) => {
        upload = stored;
      });
      // Drain what is left of the request so busboy can finish and the error can be answered.
      storing.catch(() => file.resume());
    });
    parser.on('error', (error) =>
      reject(new ServiceError('validation_failed', `malformed multipart request: ${(error as Error).message}`)),
    );
    parser.on('close', () => resolve());
    request.pipe(parser);
  });
  if (storing) await storing;
  return { fields, upload };
}

/** Puts a JSON body's contacts (`calls: [...]`) into the object store as a JSON upload. */
export async function storeJsonContacts(uploads: UploadStore, contacts: unknown[]): Promise<StoredUpload> {
  const objectName = `upload-${randomUUID()}`;
  const bytes = Buffer.from(JSON.stringify(contacts), 'utf8');
  await uploads.putBytes(objectName, bytes);
  return {
    object_name: objectName,
    filename: 'calls.json',
    content_type: 'application/json',
    size: bytes.length,
    sha256: createHash('sha256').update(bytes).digest('hex'),
  };
}

/** Reads a JSON body with a size limit (the global body parser is off so uploads can stream). */
export async function readJsonBody(request: Request, maxBytes: number): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes)
      throw new ServiceError('payload_too_large', `the JSON body is larger than the limit of ${maxBytes} bytes`, {
        limit_bytes: maxBytes,
      });
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (error) {
    throw new ServiceError('validation_failed', `the body is not valid JSON: ${(error as Error).message}`);
  }
}
