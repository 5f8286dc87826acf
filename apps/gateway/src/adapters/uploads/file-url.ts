import { lookup } from 'node:dns/promises';
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { isIP } from 'node:net';
import { basename, isAbsolute, relative, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';

import { ServiceError, UploadStore } from '@outdial/service-runtime';

import { StoredUpload, storeStream, tooLarge } from './multipart-upload';

export interface FileUrlPolicy {
  /** Local imports are allowed only inside this directory ('' = none allowed). */
  importDir: string;
  maxBytes: number;
  timeoutMs: number;
  /** Allow URLs whose host is on a loopback/private/link-local network (off: no SSRF into the platform). */
  allowPrivateHosts: boolean;
}

const MAX_REDIRECTS = 5;

function notAllowed(message: string, details?: unknown): ServiceError {
  return new ServiceError('file_url_not_allowed', message, { field: 'file_url', ...(details as object) });
}

function unreachable(message: string, details?: unknown): ServiceError {
  return new ServiceError('file_url_unreachable', message, { field: 'file_url', ...(details as object) });
}

/** `file_url` (SPEC §2): http/https, or a local path inside the configured import directory. */
export async function storeFileUrl(
  uploads: UploadStore,
  fileUrl: unknown,
  policy: FileUrlPolicy,
): Promise<StoredUpload> {
  if (typeof fileUrl !== 'string' || fileUrl.trim() === '') {
    throw new ServiceError('validation_failed', 'file_url must be a non-empty string', [
      { field: 'file_url', problems: ['must be a URL or a path'] },
    ]);
  }
  const value = fileUrl.trim();
  if (/^https?:\/\//i.test(value)) return storeHttp(uploads, value, policy);
  if (/^file:\/\//i.test(value) || value.startsWith('/') || !/^[a-z][a-z0-9+.-]*:/i.test(value)) {
    const path = /^file:\/\//i.test(value) ? decodeURIComponent(new URL(value).pathname) : value;
    return storeLocal(uploads, path, policy);
  }
  throw new ServiceError(
    'validation_failed',
    `file_url scheme "${value.split(':')[0]}" is not supported: use http(s) or a path inside the import directory`,
    [{ field: 'file_url', problems: ['must be http(s) or a local path'] }],
  );
}

/**
 * A path inside the import directory, resolved through symlinks: `..` segments and links that lead
 * outside it are refused. Relative paths are read from the import directory.
 */
export async function resolveImportPath(importDir: string, requested: string): Promise<string> {
  if (!importDir)
    throw notAllowed('local file imports are disabled: the server has no import directory (INGEST_IMPORT_DIR)');
  if (requested.includes('\0')) throw notAllowed('the path contains a NUL character');
  const root = await realpath(importDir).catch(() => {
    throw notAllowed('the import directory is not available on the server');
  });
  const candidate = isAbsolute(requested) ? resolve(requested) : resolve(root, requested);
  const lexical = relative(root, candidate);
  const inside = (rel: string) => rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel);
  // Check before touching the file system (so nothing outside is even probed), then after links.
  if (!inside(lexical) && !inside(relative(importDir, candidate)))
    throw notAllowed('file_url points outside the import directory', { import_dir: importDir });
  let real: string;
  try {
    real = await realpath(candidate);
  } catch {
    throw unreachable(`no such file in the import directory: ${requested}`);
  }
  if (!inside(relative(root, real)))
    throw notAllowed('file_url leads outside the import directory (through a symbolic link)', {
      import_dir: importDir,
    });
  const info = await stat(real);
  if (!info.isFile()) throw unreachable(`${requested} is not a file`);
  return real;
}

async function storeLocal(uploads: UploadStore, requested: string, policy: FileUrlPolicy): Promise<StoredUpload> {
  const path = await resolveImportPath(policy.importDir, requested);
  const size = (await stat(path)).size;
  if (size > policy.maxBytes) throw tooLarge(policy.maxBytes);
  return storeStream(
    uploads,
    createReadStream(path),
    { filename: basename(path), content_type: contentTypeOf(path) },
    policy.maxBytes,
    'destroy',
  );
}

/** True for addresses a file_url must not reach unless allowed: loopback, private, link-local, unspecified. */
export function isPrivateAddress(address: string): boolean {
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  if (isIP(v4) === 4) {
    const [a, b] = v4.split('.').map(Number);
    return (
      a === 0 ||
      a === 10 ||
      a === 127 ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 100 && b >= 64 && b <= 127)
    );
  }
  const v6 = address.toLowerCase();
  return v6 === '::' || v6 === '::1' || v6.startsWith('fc') || v6.startsWith('fd') || v6.startsWith('fe80');
}

async function checkHost(url: URL, policy: FileUrlPolicy): Promise<void> {
  if (policy.allowPrivateHosts) return;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : (await lookup(host, { all: true })).map((a) => a.address);
  } catch {
    throw unreachable(`cannot resolve the host of file_url: ${host}`);
  }
  if (addresses.some(isPrivateAddress)) throw notAllowed(`file_url host ${host} is on a private network`);
}

async function storeHttp(uploads: UploadStore, start: string, policy: FileUrlPolicy): Promise<StoredUpload> {
  const abort = AbortSignal.timeout(policy.timeoutMs);
  let url = new URL(start);
  let response: Response | undefined;
  try {
    for (let hop = 0; ; hop++) {
      await checkHost(url, policy);
      response = await fetch(url, { redirect: 'manual', signal: abort });
      if (response.status >= 300 && response.status < 400 && response.headers.get('location')) {
        if (hop >= MAX_REDIRECTS) throw unreachable(`file_url redirects more than ${MAX_REDIRECTS} times`);
        await response.body?.cancel();
        url = new URL(response.headers.get('location')!, url);
        if (!/^https?:$/.test(url.protocol)) throw notAllowed('file_url redirects to a non-http(s) location');
        continue;
      }
      break;
    }
    if (!response.ok || !response.body) {
      await response.body?.cancel();
      throw unreachable(`file_url answered HTTP ${response.status}`, { status: response.status });
    }
    const declared = Number(response.headers.get('content-length'));
    if (Number.isFinite(declared) && declared > policy.maxBytes) {
      await response.body.cancel();
      throw tooLarge(policy.maxBytes);
    }
    const filename = decodeURIComponent(basename(url.pathname)) || 'download.csv';
    const contentType = (response.headers.get('content-type') ?? '').split(';')[0].trim() || contentTypeOf(filename);
    const body = Readable.fromWeb(response.body as import('node:stream/web').ReadableStream);
    return await storeStream(uploads, body, { filename, content_type: contentType }, policy.maxBytes, 'destroy');
  } catch (error) {
    if (error instanceof ServiceError) throw error;
    if (abort.aborted) throw unreachable(`file_url did not finish within ${policy.timeoutMs} ms`);
    throw unreachable(`file_url cannot be fetched: ${(error as Error).message}`);
  }
}

function contentTypeOf(filename: string): string {
  return /\.json$/i.test(filename) ? 'application/json' : 'text/csv';
}
