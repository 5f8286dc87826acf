import { createHmac } from 'node:crypto';

import { twilioSignature, verifyOutdialSignature, verifyTwilioSignature } from './callback-signatures';

describe('Twilio request signature', () => {
  // The example of Twilio's security documentation (and twilio-node's tests).
  const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
  const params: [string, string][] = [
    ['CallSid', 'CA1234567890ABCDE'],
    ['Caller', '+14158675309'],
    ['Digits', '1234'],
    ['From', '+14158675309'],
    ['To', '+18005551212'],
  ];

  it('matches the documented example', () => {
    expect(twilioSignature('12345', url, params)).toBe('RSOYDt4T1cUTdK1PDd93/VVr8B8=');
    expect(twilioSignature('12345', url, [...params].reverse())).toBe('RSOYDt4T1cUTdK1PDd93/VVr8B8=');
  });

  it('refuses a missing or wrong signature, another URL, or a changed parameter', () => {
    expect(verifyTwilioSignature('12345', url, params, 'RSOYDt4T1cUTdK1PDd93/VVr8B8=')).toEqual({ ok: true });
    expect(verifyTwilioSignature('12345', url, params, undefined)).toEqual({
      ok: false,
      reason: 'missing X-Twilio-Signature',
    });
    expect(verifyTwilioSignature('wrong', url, params, 'RSOYDt4T1cUTdK1PDd93/VVr8B8=').ok).toBe(false);
    expect(verifyTwilioSignature('12345', `${url}&x=1`, params, 'RSOYDt4T1cUTdK1PDd93/VVr8B8=').ok).toBe(false);
    expect(
      verifyTwilioSignature('12345', url, [...params.slice(1), ['CallSid', 'CAother']], 'RSOYDt4T1cUTdK1PDd93/VVr8B8=')
        .ok,
    ).toBe(false);
  });
});

describe('Outdial callback signature', () => {
  const secret = 's3cret';
  const body = '{"call_id":"c:1","event":"ringing"}';
  const now = 1_700_000_000_000;
  const ts = String(now / 1000);
  const sign = (t: string, b: string) => `sha256=${createHmac('sha256', secret).update(`${t}.${b}`).digest('hex')}`;

  it('accepts a fresh, correct signature (also one of several while a secret rotates)', () => {
    expect(verifyOutdialSignature(secret, ts, sign(ts, body), body, now, 300)).toEqual({ ok: true });
    expect(verifyOutdialSignature(secret, ts, `sha256=deadbeef, ${sign(ts, body)}`, body, now, 300)).toEqual({
      ok: true,
    });
  });

  it('refuses stale timestamps at the edge of the tolerance', () => {
    const old = String(now / 1000 - 300);
    expect(verifyOutdialSignature(secret, old, sign(old, body), body, now, 300)).toEqual({ ok: true });
    const older = String(now / 1000 - 301);
    expect(verifyOutdialSignature(secret, older, sign(older, body), body, now, 300)).toEqual({
      ok: false,
      reason: 'stale timestamp (more than 300 s away)',
    });
  });

  it('refuses a changed body, a wrong secret, or missing headers', () => {
    expect(verifyOutdialSignature(secret, ts, sign(ts, body), body.replace('ringing', 'ended'), now, 300).ok).toBe(
      false,
    );
    expect(verifyOutdialSignature('other', ts, sign(ts, body), body, now, 300).ok).toBe(false);
    expect(verifyOutdialSignature(secret, undefined, sign(ts, body), body, now, 300).ok).toBe(false);
    expect(verifyOutdialSignature(secret, 'yesterday', sign(ts, body), body, now, 300)).toEqual({
      ok: false,
      reason: 'X-Outdial-Timestamp must be unix seconds',
    });
  });
});
