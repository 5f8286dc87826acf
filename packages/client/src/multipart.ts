import { createReadStream, promises as fs } from 'node:fs';
import { basename, extname } from 'node:path';
import { PassThrough, Readable } from 'node:stream';

import FormData from 'form-data';

/** Bytes of an upload or download so far; `total` is undefined when the server did not say. */
export interface ByteProgress {
  loaded: number;
  total?: number;
}

export type ProgressCallback = (progress: ByteProgress) => void;

/** A multipart body that can be built again for a retry (a file stream is read once). */
export interface MultipartUpload {
  /** Exact body length in bytes (sent as `Content-Length`). */
  length: number;
  /** A fresh body and its headers (`Content-Type` with the boundary, `Content-Length`). */
  open(onProgress?: ProgressCallback): { body: ReadableStream<Uint8Array>; headers: Record<string, string> };
}

/**
 * Form fields as the gateway reads them in a multipart request (SPEC §3): strings as they are,
 * numbers and booleans as plain text, objects and lists as JSON text; undefined/null dropped.
 */
export function formFields(settings: Record<string, unknown>): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [key, value] of Object.entries(settings)) {
    if (value === undefined || value === null) continue;
    fields[key] = typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
  return fields;
}

/**
 * A multipart/form-data upload of `filePath` as the `file` part plus `fields`, streamed from disk
 * (the file is never held in memory) with a byte count for progress. The part's type is
 * `application/json` for `.json` files, else `text/csv`. Throws the `fs` error (ENOENT, EISDIR)
 * when the file cannot be read.
 */
export async function fileUpload(
  filePath: string,
  fields: Record<string, string>,
  fileField = 'file',
): Promise<MultipartUpload> {
  const stat = await fs.stat(filePath);
  if (!stat.isFile()) throw Object.assign(new Error(`${filePath} is not a file`), { code: 'EISDIR', path: filePath });
  const build = () => {
    const form = new FormData();
    for (const [key, value] of Object.entries(fields)) form.append(key, value);
    form.append(fileField, createReadStream(filePath), {
      filename: basename(filePath),
      contentType: extname(filePath).toLowerCase() === '.json' ? 'application/json' : 'text/csv',
      knownLength: stat.size,
    });
    return form;
  };
  const length = build().getLengthSync();
  return {
    length,
    open(onProgress) {
      const form = build();
      let loaded = 0;
      const counter = new PassThrough({
        transform(chunk: Buffer, _encoding, done) {
          loaded += chunk.length;
          onProgress?.({ loaded, total: length });
          done(null, chunk);
        },
      });
      form.on('error', (error: Error) => counter.destroy(error));
      form.pipe(counter);
      return {
        body: Readable.toWeb(counter) as unknown as ReadableStream<Uint8Array>,
        headers: { ...(form.getHeaders() as Record<string, string>), 'content-length': String(length) },
      };
    },
  };
}
