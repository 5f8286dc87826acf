import { createHash } from 'node:crypto';

/** JSON with object keys sorted at every level, so equal settings hash equal. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.keys(value as object)
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
  return `{${entries.join(',')}}`;
}

/** What makes two creates "the same request": the route, the upload's bytes and every setting. */
export function requestFingerprint(route: string, uploadSha256: string, settings: Record<string, unknown>): string {
  return createHash('sha256')
    .update(`${route}\n${uploadSha256}\n${canonicalJson(settings)}`)
    .digest('hex');
}
