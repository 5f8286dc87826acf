import { createLogger, createPool, Database } from '@outdial/service-runtime';

import { GatewayEnv } from '../src/gateway-env';
import { RateLimitBucketsRepository } from '../src/persistence/rate-limit-buckets.repository';
import { TakeRateLimitTokenUseCase } from '../src/usecases/take-rate-limit-token/take-rate-limit-token.usecase';
import { GatewayTestDb, migratedGatewayDb } from './gateway-db';

/**
 * TakeRateLimitTokenUseCase against the real PostgreSQL, two instances (two pools) standing for two
 * gateway replicas. The requests of one token that arrive while a statement is out share the next
 * statement (issue 16), and together they still let exactly `burst` through. A very slow refill
 * (0.001/s) makes the edge exact whatever the machine's speed.
 */
describe('TakeRateLimitTokenUseCase', () => {
  let t: GatewayTestDb;
  let other: Database;
  const config = { GATEWAY_RATE_LIMIT_PER_SECOND: 0.001, GATEWAY_RATE_LIMIT_BURST: 30 } as GatewayEnv;
  const logger = createLogger('gateway', 'silent');

  beforeAll(async () => {
    t = await migratedGatewayDb('gwtaketoken');
    other = new Database(createPool(t.env.databaseUrl, 4), 'gateway');
  });

  afterAll(async () => {
    await other?.close();
    await t?.close();
  });

  it('lets exactly `burst` of 40 concurrent requests through across two replicas, in two statements each', async () => {
    const repoA = new RateLimitBucketsRepository(t.db);
    const repoB = new RateLimitBucketsRepository(other);
    const statementsA = jest.spyOn(repoA, 'takeMany');
    const statementsB = jest.spyOn(repoB, 'takeMany');
    const a = new TakeRateLimitTokenUseCase(repoA, config, logger);
    const b = new TakeRateLimitTokenUseCase(repoB, config, logger);
    const verdicts = await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? a : b).execute('tok_coalesce')),
    );
    const allowed = verdicts.filter((v) => v.allowed);
    expect(allowed).toHaveLength(30);
    expect(verdicts.filter((v) => !v.allowed)).toHaveLength(10);
    // Each replica: the first request alone, then the 19 that arrived meanwhile together.
    expect(statementsA.mock.calls.map((c) => c[3])).toEqual([1, 19]);
    expect(statementsB.mock.calls.map((c) => c[3])).toEqual([1, 19]);
    // Every allowed request saw a different count of whole tokens left, as if taken one by one.
    const remaining = allowed.map((v) => (v as { remaining: number }).remaining).sort((p, q) => p - q);
    expect(remaining).toEqual(Array.from({ length: 30 }, (_, i) => i));
    // The bucket is empty for everyone now; a request arriving later starts a statement of its own.
    expect(await a.execute('tok_coalesce')).toMatchObject({ allowed: false });
    expect(statementsA).toHaveBeenCalledTimes(3);
  });

  it('gives each token its own bucket and queue', async () => {
    const a = new TakeRateLimitTokenUseCase(new RateLimitBucketsRepository(t.db), config, logger);
    const verdicts = await Promise.all([
      ...Array.from({ length: 31 }, () => a.execute('tok_one')),
      ...Array.from({ length: 5 }, () => a.execute('tok_two')),
    ]);
    expect(verdicts.slice(0, 31).filter((v) => v.allowed)).toHaveLength(30);
    expect(verdicts.slice(31).every((v) => v.allowed)).toBe(true);
  });
});
