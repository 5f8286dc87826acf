import { TokenCache } from './token-cache';

const auth = { token_id: 'tok_1', org_id: 'default', role: 'member' as const };

describe('TokenCache', () => {
  it('forgets a revoked token at once', () => {
    const cache = new TokenCache(60_000);
    cache.set('hash', auth, 0);
    expect(cache.get('hash', 1)).toEqual(auth);
    cache.forgetToken('tok_1');
    expect(cache.get('hash', 1)).toBeUndefined();
  });

  it('does not store a lookup that began before a revocation was applied', () => {
    const cache = new TokenCache(60_000);
    const generation = cache.generation;
    // The database said "active", then the revocation broadcast arrived, then the answer is stored.
    cache.forgetToken('tok_1');
    cache.set('hash', auth, 0, generation);
    expect(cache.get('hash', 1)).toBeUndefined();
    // A lookup that began after it is stored as usual.
    cache.set('hash', auth, 0, cache.generation);
    expect(cache.get('hash', 1)).toEqual(auth);
  });

  it('expires entries after the TTL, and stores nothing with TTL 0', () => {
    const cache = new TokenCache(1000);
    cache.set('hash', auth, 0);
    expect(cache.get('hash', 999)).toEqual(auth);
    expect(cache.get('hash', 1000)).toBeUndefined();
    const off = new TokenCache(0);
    off.set('hash', auth, 0);
    expect(off.get('hash', 0)).toBeUndefined();
  });
});
