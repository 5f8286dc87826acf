import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signature checks of provider callbacks: the signature IS the authentication of these routes.
 * Pure functions (no I/O, time passed in) so they are unit-tested in milliseconds.
 */

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Outdial's scheme (as for its outbound webhooks): `X-Outdial-Timestamp: <unix seconds>` and
 * `X-Outdial-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>`. A timestamp
 * more than `toleranceSeconds` away from now is refused, so a captured callback cannot be replayed later.
 */
export function verifyOutdialSignature(
  secret: string,
  timestamp: string | undefined,
  signature: string | undefined,
  rawBody: string,
  nowMs: number,
  toleranceSeconds: number,
): SignatureCheck {
  if (!timestamp || !signature) return { ok: false, reason: 'missing X-Outdial-Timestamp or X-Outdial-Signature' };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'X-Outdial-Timestamp must be unix seconds' };
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > toleranceSeconds)
    return { ok: false, reason: `stale timestamp (more than ${toleranceSeconds} s away)` };
  const expected = `sha256=${createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex')}`;
  // Several signatures may be sent while a secret rotates: any one valid is enough.
  const candidates = signature.split(',').map((s) => s.trim());
  return candidates.some((candidate) => sameText(candidate, expected))
    ? { ok: true }
    : { ok: false, reason: 'signature does not match' };
}

/**
 * Twilio's request signature: base64(HMAC-SHA1(auth token, full URL + every POST parameter name
 * followed by its value, sorted by name)). The URL is the one Twilio called (the public URL, query included).
 */
export function twilioSignature(authToken: string, url: string, params: [string, string][]): string {
  const sorted = [...params].sort(([ka, va], [kb, vb]) =>
    ka < kb ? -1 : ka > kb ? 1 : va < vb ? -1 : va > vb ? 1 : 0,
  );
  const data = sorted.reduce((acc, [key, value]) => acc + key + value, url);
  return createHmac('sha1', authToken).update(Buffer.from(data, 'utf8')).digest('base64');
}

export function verifyTwilioSignature(
  authToken: string,
  url: string,
  params: [string, string][],
  signature: string | undefined,
): SignatureCheck {
  if (!signature) return { ok: false, reason: 'missing X-Twilio-Signature' };
  return sameText(signature, twilioSignature(authToken, url, params))
    ? { ok: true }
    : { ok: false, reason: 'X-Twilio-Signature does not match' };
}
