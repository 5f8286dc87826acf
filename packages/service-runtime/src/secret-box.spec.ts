import { randomBytes } from 'node:crypto';

import { SecretBox, secretsKeyProblem } from './secret-box';

describe('SecretBox', () => {
  const key = randomBytes(32).toString('base64');

  it('seals and opens, with a fresh IV each time (no plaintext in the sealed text)', () => {
    const box = new SecretBox(key);
    const a = box.seal({ api_key: 'sk_live_abc123' });
    const b = box.seal({ api_key: 'sk_live_abc123' });
    expect(a).not.toBe(b);
    expect(a).not.toContain('sk_live');
    expect(box.open(a)).toEqual({ api_key: 'sk_live_abc123' });
  });

  it('refuses a changed text or another key', () => {
    const sealed = new SecretBox(key).seal({ api_key: 'x' });
    const parts = sealed.split('.');
    parts[3] = Buffer.from('tampered').toString('base64url');
    expect(() => new SecretBox(key).open(parts.join('.'))).toThrow(/cannot be opened/);
    expect(() => new SecretBox(randomBytes(32).toString('base64')).open(sealed)).toThrow(/cannot be opened/);
    expect(() => new SecretBox(key).open('plain')).toThrow(/unknown format/);
  });

  it('names the problem with a key: wrong size, or missing in production only', () => {
    expect(secretsKeyProblem(key, 'production')).toBeUndefined();
    expect(secretsKeyProblem(undefined, 'development')).toBeUndefined();
    expect(secretsKeyProblem(undefined, 'production')).toMatch(/required when NODE_ENV=production/);
    expect(secretsKeyProblem(randomBytes(16).toString('base64'), undefined)).toMatch(/32 bytes.*got 16/);
    expect(() => new SecretBox(randomBytes(8).toString('base64'))).toThrow(/32 bytes/);
  });
});
