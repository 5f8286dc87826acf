import { randomBytes } from 'node:crypto';

/** A signing secret: 192 random bits. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString('base64url')}`;
}
