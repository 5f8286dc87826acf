import { createHash, randomBytes } from 'node:crypto';

/** Tokens are secrets: only their SHA-256 is stored. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function newToken(): string {
  return `od_${randomBytes(32).toString('base64url')}`;
}
