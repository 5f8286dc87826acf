import { createHmac } from 'node:crypto';

/**
 * Outdial's request signature (the same scheme as its outbound webhooks), used both ways with
 * `http` voice-agent platforms: `X-Outdial-Timestamp: <unix seconds>` and
 * `X-Outdial-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>`.
 * The gateway verifies callbacks with the same secret and rejects stale timestamps.
 */
export const OUTDIAL_TIMESTAMP_HEADER = 'X-Outdial-Timestamp';
export const OUTDIAL_SIGNATURE_HEADER = 'X-Outdial-Signature';

export function outdialSignature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export function signedHeaders(secret: string, body: string, nowMs: number): Record<string, string> {
  const timestamp = String(Math.floor(nowMs / 1000));
  return {
    [OUTDIAL_TIMESTAMP_HEADER]: timestamp,
    [OUTDIAL_SIGNATURE_HEADER]: outdialSignature(secret, timestamp, body),
  };
}
