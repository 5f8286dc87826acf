import { ServiceError } from '@outdial/service-runtime';
import busboy from 'busboy';
import type { Request } from 'express';

import { readSmallJson, SMALL_BODY_LIMIT_BYTES } from './json-body';

/**
 * The text fields of a small form: `application/x-www-form-urlencoded` (what aiohttp sends for
 * `data={...}`), `multipart/form-data` without files, or a JSON object. 415 otherwise, 413 when
 * larger than 64 KiB.
 */
export async function readFormFields(request: Request): Promise<Record<string, string>> {
  const contentType = String(request.headers['content-type'] ?? '');
  if (/^application\/([\w.+-]+\+)?json\b/i.test(contentType)) {
    const body = await readSmallJson(request);
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw new ServiceError('validation_failed', 'the body must be a JSON object', [
        { field: '(body)', problems: ['must be a JSON object'] },
      ]);
    }
    return Object.fromEntries(
      Object.entries(body as Record<string, unknown>).map(([k, v]) => [
        k,
        typeof v === 'string' ? v : JSON.stringify(v),
      ]),
    );
  }
  if (!/^(application\/x-www-form-urlencoded|multipart\/form-data)/i.test(contentType)) {
    throw new ServiceError(
      'unsupported_media_type',
      `send application/x-www-form-urlencoded, multipart/form-data or application/json (got ${contentType || 'no Content-Type'})`,
    );
  }
  const fields: Record<string, string> = {};
  let tooLarge = false;
  await new Promise<void>((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: request.headers,
        limits: { fieldSize: SMALL_BODY_LIMIT_BYTES, fields: 50, files: 0 },
      });
    } catch (error) {
      reject(new ServiceError('validation_failed', `malformed form: ${(error as Error).message}`));
      return;
    }
    parser.on('field', (name, value, info) => {
      if (info.valueTruncated) tooLarge = true;
      fields[name] = value;
    });
    parser.on('file', (_name, file) => file.resume());
    parser.on('error', (error) =>
      reject(new ServiceError('validation_failed', `malformed form: ${(error as Error).message}`)),
    );
    parser.on('close', () => resolve());
    request.pipe(parser);
  });
  if (tooLarge)
    throw new ServiceError('payload_too_large', `a form field is larger than ${SMALL_BODY_LIMIT_BYTES} bytes`);
  return fields;
}
