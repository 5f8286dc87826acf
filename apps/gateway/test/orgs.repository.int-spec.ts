import { CIRCUIT_BREAKER_DEFAULTS } from '@outdial/contracts';
import { ServiceError } from '@outdial/service-runtime';

import { OrgsRepository } from '../src/persistence/orgs.repository';
import { GatewayTestDb, holdTransaction, lockTimesOut, migratedGatewayDb } from './gateway-db';

/** OrgsRepository against the real PostgreSQL: defaults, conflicts, versions, the per-org row lock. */
describe('OrgsRepository', () => {
  let t: GatewayTestDb;
  let orgs: OrgsRepository;

  beforeAll(async () => {
    t = await migratedGatewayDb('gworgs');
    orgs = new OrgsRepository(t.db);
  });

  afterAll(async () => {
    await t?.close();
  });

  it('inserts an org at version 1 with the table defaults, and refuses a taken id without writing', async () => {
    // A fractional call rate (SPEC §6 allows e.g. 2.5 calls/s) is stored as given, not refused as an integer.
    const row = await t.db.tx((client) => orgs.insert(client, 'acme', 'Acme', { calls_per_second: 2.5 }));
    expect(row).toMatchObject({
      org_id: 'acme',
      name: 'Acme',
      max_concurrent_calls: 5,
      compliance_guard: true,
      version: 1,
    });
    expect(Number(row!.calls_per_second)).toBe(2.5);
    expect(await t.db.tx((client) => orgs.insert(client, 'acme', 'Other', {}))).toBeUndefined();
    expect((await orgs.get('acme')).name).toBe('Acme');
  });

  it('get and lock throw not_found for an unknown org; list is ordered by id', async () => {
    await expect(orgs.get('nope')).rejects.toMatchObject({ code: 'not_found' });
    await expect(t.db.tx((client) => orgs.lock(client, 'nope'))).rejects.toBeInstanceOf(ServiceError);
    await t.db.tx((client) => orgs.insert(client, 'a-first', 'First', {}));
    const ids = (await orgs.list()).map((o) => o.org_id);
    expect(ids).toEqual([...ids].sort());
    expect(ids).toContain('a-first');
  });

  it('update writes every setting and bumps the version', async () => {
    const updated = await t.db.tx(async (client) => {
      const before = await orgs.selectForUpdate(client, 'acme');
      expect(before?.version).toBe(1);
      return orgs.update(client, 'acme', {
        name: 'Acme Inc',
        max_concurrent_calls: 9,
        calls_per_second: 3,
        compliance_guard: false,
        circuit_breaker: { ...CIRCUIT_BREAKER_DEFAULTS },
      });
    });
    expect(updated).toMatchObject({ name: 'Acme Inc', max_concurrent_calls: 9, compliance_guard: false, version: 2 });
    expect(updated.circuit_breaker).toEqual(CIRCUIT_BREAKER_DEFAULTS);
  });

  it('lock holds the org row until the transaction ends: a second lock of that org waits, another org does not', async () => {
    await t.db.tx((client) => orgs.insert(client, 'other', 'Other', {}));
    const holder = holdTransaction(t.db, (client) => orgs.lock(client, 'acme'));
    await holder.ready;
    try {
      expect(await lockTimesOut(t.db, 200, (client) => orgs.lock(client, 'acme'))).toBe(true);
      expect(await lockTimesOut(t.db, 200, (client) => orgs.selectForUpdate(client, 'acme'))).toBe(true);
      expect(await lockTimesOut(t.db, 200, (client) => orgs.lock(client, 'other'))).toBe(false);
    } finally {
      holder.release();
      await holder.done;
    }
    expect(await lockTimesOut(t.db, 200, (client) => orgs.lock(client, 'acme'))).toBe(false);
  });
});
