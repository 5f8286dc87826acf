import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import busboy from 'busboy';
import type { Request } from 'express';
import { UploadReference } from '@outdial/contracts';
import { NatsBus, ServiceError } from '@outdial/service-runtime';

export interface ParsedUpload {
  fields: Record<string, string>;
  upload?: UploadReference;
}

/**
 * Reads a multipart create request: the `file` part streams straight into the JetStream object
 * store (never buffered whole; the size limit is enforced while streaming), other parts are
 * settings fields.
 */
export async function receiveMultipart(request: Request, bus: NatsBus, maxBytes: number): Promise<ParsedUpload> {
  const store = await bus.uploads();
  const fields: Record<string, string> = {};
  let upload: UploadReference | undefined;
  let storing: Promise<void> | undefined;
  let tooLarge = false;

  await new Promise<void>((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: request.headers, limits: { fileSize: maxBytes, files: 1, fields: 100, fieldSize: 1024 * 1024 } });
    } catch (error) {
      reject(new ServiceError('validation_failed', `malformed multipart request: ${(error as Error).message}`));
      return;
    }
    parser.on('field', (name, value) => {
      fields[name] = value;
    });
    parser.on('file', (name, file, info) => {
      if (name !== 'file' || upload) {
        file.resume();
        return;
      }
      const objectName = `upload-${randomUUID()}`;
      let size = 0;
      file.on('data', (chunk: Buffer) => (size += chunk.length));
      file.on('limit', () => {
        tooLarge = true;
      });
      upload = { object_name: objectName, filename: info.filename ?? 'upload.csv', content_type: info.mimeType ?? 'text/csv', size: 0 };
      const current = upload;
      storing = store
        .put({ name: objectName }, Readable.toWeb(file) as unknown as ReadableStream<Uint8Array>)
        .then(() => {
          current.size = size;
        });
      storing.catch(() => undefined);
    });
    parser.on('error', (error) => reject(new ServiceError('validation_failed', `malformed multipart request: ${(error as Error).message}`)));
    parser.on('close', () => resolve());
    request.pipe(parser);
  });
  if (storing) await storing;
  if (tooLarge && upload) {
    await store.delete(upload.object_name).catch(() => undefined);
    throw new ServiceError('payload_too_large', `the file is larger than the limit of ${maxBytes} bytes`, { limit_bytes: maxBytes });
  }
  return { fields, upload };
}

/** Puts a JSON body's contacts (`calls: [...]`) into the object store as a JSON upload. */
export async function storeJsonContacts(bus: NatsBus, contacts: unknown[]): Promise<UploadReference> {
  const store = await bus.uploads();
  const objectName = `upload-${randomUUID()}`;
  const bytes = Buffer.from(JSON.stringify(contacts), 'utf8');
  await store.putBlob({ name: objectName }, bytes);
  return { object_name: objectName, filename: 'calls.json', content_type: 'application/json', size: bytes.length };
}

/** Reads a JSON body with a size limit (the global body parser is off so uploads can stream). */
export async function readJsonBody(request: Request, maxBytes: number): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw new ServiceError('payload_too_large', `the JSON body is larger than the limit of ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (error) {
    throw new ServiceError('validation_failed', `the body is not valid JSON: ${(error as Error).message}`);
  }
}
