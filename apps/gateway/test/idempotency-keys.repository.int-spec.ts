import { quoteIdent } from '@outdial/service-runtime';

import { IdempotencyKeysRepository } from '../src/persistence/idempotency-keys.repository';
import { GatewayTestDb, migratedGatewayDb } from './gateway-db';

/** IdempotencyKeysRepository against the real PostgreSQL: one claim per (org, key), release, completion, expiry. */
describe('IdempotencyKeysRepository', () => {
  let t: GatewayTestDb;
  let keys: IdempotencyKeysRepository;

  beforeAll(async () => {
    t = await migratedGatewayDb('gwidem');
    keys = new IdempotencyKeysRepository(t.db);
  });

  afterAll(async () => {
    await t?.close();
  });

  it('of concurrent claims of one key exactly one wins; other orgs have their own keys', async () => {
    const claims = await Promise.all(Array.from({ length: 8 }, () => keys.claim('org-a', 'k1', 'fp')));
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await keys.claim('org-b', 'k1', 'fp')).toBe(true);
    expect(await keys.find('org-a', 'k1')).toEqual({ fingerprint: 'fp', response: null });
  });

  it('a completed key keeps its response and is not released; an unfinished one is', async () => {
    await keys.complete('org-a', 'k1', { batch_id: 'batch_1' });
    await keys.release('org-a', 'k1');
    expect(await keys.find('org-a', 'k1')).toEqual({ fingerprint: 'fp', response: { batch_id: 'batch_1' } });
    await keys.release('org-b', 'k1');
    expect(await keys.find('org-b', 'k1')).toBeUndefined();
    expect(await keys.claim('org-b', 'k1', 'fp2')).toBe(true);
  });

  it('deleteExpired forgets only a key claimed longer ago than the TTL', async () => {
    await keys.deleteExpired('org-a', 'k1', 24);
    expect(await keys.find('org-a', 'k1')).toBeDefined();
    await t.db.query(
      `UPDATE ${quoteIdent(t.db.schema)}.idempotency_keys SET created_at = now() - interval '25 hours' WHERE org_id = 'org-a' AND key = 'k1'`,
    );
    await keys.deleteExpired('org-a', 'k1', 24);
    expect(await keys.find('org-a', 'k1')).toBeUndefined();
  });
});
