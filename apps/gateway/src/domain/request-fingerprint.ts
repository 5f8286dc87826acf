import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Database, ServiceError } from '@outdial/service-runtime';

/** How long a key is remembered (Stripe-style: a day). */
const KEY_TTL_HOURS = 24;
const POLL_MS = 100;

export interface Replayable<T> {
  response: T;
  replayed: boolean;
}

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
  return createHash('sha256').update(`${route}\n${uploadSha256}\n${canonicalJson(settings)}`).digest('hex');
}

export function readIdempotencyKey(header: string | string[] | undefined): string | undefined {
  const value = (Array.isArray(header) ? header[0] : header)?.trim();
  if (!value) return undefined;
  if (value.length > 255 || !/^[\x21-\x7e]+$/.test(value)) {
    throw new ServiceError('validation_failed', 'Idempotency-Key must be 1-255 visible ASCII characters', [{ field: 'Idempotency-Key', problems: ['1-255 visible ASCII characters'] }]);
  }
  return value;
}

/**
 * `Idempotency-Key` on creates (SPEC §9). The first request with a key claims it (a row with no
 * response yet, inserted atomically, so two concurrent requests cannot both run); a later request
 * with the same key and the same fingerprint gets the stored response, or waits for the one in
 * progress; a different fingerprint is `422 idempotency_key_reused`. A failed create releases the
 * key so the client can retry.
 */
@Injectable()
export class IdempotencyStore {
  constructor(private readonly db: Database) {}

  async run<T>(orgId: string, key: string, fingerprint: string, waitMs: number, create: () => Promise<T>): Promise<Replayable<T>> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      await this.db.query(`DELETE FROM gateway.idempotency_keys WHERE org_id = $1 AND key = $2 AND created_at < now() - interval '${KEY_TTL_HOURS} hours'`, [orgId, key]);
      const claimed = await this.db.query(
        `INSERT INTO gateway.idempotency_keys (org_id, key, fingerprint) VALUES ($1, $2, $3) ON CONFLICT (org_id, key) DO NOTHING RETURNING key`,
        [orgId, key, fingerprint],
      );
      if (claimed.length > 0) {
        let response: T;
        try {
          response = await create();
        } catch (error) {
          await this.db.query(`DELETE FROM gateway.idempotency_keys WHERE org_id = $1 AND key = $2 AND response IS NULL`, [orgId, key]);
          throw error;
        }
        await this.db.query(`UPDATE gateway.idempotency_keys SET response = $3, completed_at = now() WHERE org_id = $1 AND key = $2`, [orgId, key, JSON.stringify(response)]);
        return { response, replayed: false };
      }
      const [row] = await this.db.query<{ fingerprint: string; response: T | null }>(`SELECT fingerprint, response FROM gateway.idempotency_keys WHERE org_id = $1 AND key = $2`, [orgId, key]);
      if (!row) continue; // released between our insert and select: claim again
      if (row.fingerprint !== fingerprint) {
        throw new ServiceError('idempotency_key_reused', 'this Idempotency-Key was already used with a different request (other file or settings); use a new key', {
          idempotency_key: key,
        });
      }
      if (row.response !== null) return { response: row.response, replayed: true };
      if (Date.now() > deadline) throw new ServiceError('conflict', 'a request with this Idempotency-Key is still in progress; retry later', { idempotency_key: key });
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }
}
