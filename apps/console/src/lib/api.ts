import type { paths } from '@outdial/client';
import createClient, { type Middleware } from 'openapi-fetch';

import { readToken } from './session';

/**
 * The typed API client (openapi-fetch over the `paths` generated from the gateway's OpenAPI
 * document, packages/client). Same origin as the console, so no base URL; every request carries
 * the signed-in token as `Authorization: Bearer`.
 */
export const api = createClient<paths>({ baseUrl: '' });

const auth: Middleware = {
  onRequest({ request }) {
    const token = readToken();
    if (token) request.headers.set('Authorization', `Bearer ${token}`);
    return request;
  },
};
api.use(auth);

/** An error answer of the API, as the API words it (SPEC §9 `{"error": {code, message, details}}`). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** Turns an openapi-fetch result into its data, or throws the API's own error. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.response.ok && result.error === undefined) return result.data as T;
  throw toApiError(result.response.status, result.error);
}

export function toApiError(status: number, body: unknown): ApiError {
  const error = (body as { error?: { code?: string; message?: string; details?: unknown } } | undefined)?.error;
  if (error && typeof error.code === 'string')
    return new ApiError(status, error.code, error.message ?? error.code, error.details);
  return new ApiError(status, `http_${status}`, `the server answered ${status} without an error body`);
}

/** Saves a blob the API answered (CSV, PDF) under `filename`, as a browser download. */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}
