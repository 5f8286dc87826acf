import { createPool, Database } from '@outdial/service-runtime';

import { RateLimitBucketsRepository } from '../src/persistence/rate-limit-buckets.repository';
import { GatewayTestDb, migratedGatewayDb } from './gateway-db';

/**
 * RateLimitBucketsRepository against the real PostgreSQL: two pools stand for two gateway
 * replicas spending from the same buckets at once. A very slow refill (0.001/s) makes the edge
 * exact whatever the machine's speed: exactly `burst` takes pass, the next one is refused.
 */
describe('RateLimitBucketsRepository', () => {
  let t: GatewayTestDb;
  let other: Database;
  let a: RateLimitBucketsRepository;
  let b: RateLimitBucketsRepository;

  beforeAll(async () => {
    t = await migratedGatewayDb('gwratelimit');
    other = new Database(createPool(t.env.databaseUrl, 4), 'gateway');
    a = new RateLimitBucketsRepository(t.db);
    b = new RateLimitBucketsRepository(other);
  });

  afterAll(async () => {
    await other?.close();
    await t?.close();
  });

  it('lets exactly `burst` concurrent takes through across two replicas, then refuses', async () => {
    const burst = 30;
    const takes = await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? a : b).take('tok_edge', 0.001, burst)),
    );
    expect(takes.filter((x) => x.allowed)).toHaveLength(burst);
    expect(takes.filter((x) => !x.allowed)).toHaveLength(10);
    const next = await b.take('tok_edge', 0.001, burst);
    expect(next.allowed).toBe(false);
    expect(next.tokens).toBeLessThan(1);
    // Another key has its own bucket.
    expect(await a.take('tok_other', 0.001, burst)).toMatchObject({ allowed: true });
  });

  it('takes several tokens in one statement: never more than the bucket holds, across replicas', async () => {
    const [x, y] = await Promise.all([a.takeMany('tok_many', 0.001, 30, 25), b.takeMany('tok_many', 0.001, 30, 25)]);
    // Whichever ran first got 25, the other the 5 left.
    expect([x.granted, y.granted].sort((p, q) => p - q)).toEqual([5, 25]);
    expect(Math.min(x.tokens, y.tokens)).toBeLessThan(1);
    expect(await a.takeMany('tok_many', 0.001, 30, 3)).toMatchObject({ granted: 0 });
    // A new bucket grants at most its burst.
    expect(await b.takeMany('tok_many_new', 0.001, 4, 10)).toEqual({ granted: 4, tokens: 0 });
  });

  it('refills at the rate, never above the burst', async () => {
    expect((await a.take('tok_refill', 1000, 2)).allowed).toBe(true);
    expect((await a.take('tok_refill', 1000, 2)).allowed).toBe(true);
    await new Promise((r) => setTimeout(r, 20));
    // 20 ms at 1000/s is far more than the burst: full again, not more.
    const after = await b.take('tok_refill', 1000, 2);
    expect(after.allowed).toBe(true);
    expect(after.tokens).toBeLessThanOrEqual(1);
  });

  it('prunes buckets idle for longer than asked, and only those', async () => {
    await a.take('tok_prune', 1, 1);
    await new Promise((r) => setTimeout(r, 30));
    await a.take('tok_fresh', 1, 1);
    expect(await a.pruneIdle(60_000)).toBe(0);
    const pruned = await a.pruneIdle(15);
    expect(pruned).toBeGreaterThanOrEqual(1);
    const keys = (await t.db.query<{ bucket_key: string }>(`SELECT bucket_key FROM gateway.rate_limit_buckets`)).map(
      (r) => r.bucket_key,
    );
    expect(keys).not.toContain('tok_prune');
  });
});
