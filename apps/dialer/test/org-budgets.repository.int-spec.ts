import { ORG_LIMIT_DEFAULTS, OrgSettingsChangedEvent } from '@outdial/contracts';

import { OrgBudgetsRepository } from '../src/persistence/org-budgets.repository';
import { openRepositoryDb, RepositoryDb } from './support/repository-db';

/** OrgBudgetsRepository against the real PostgreSQL: defaults, the org row lock, versioned limits, the bucket. */
describe('OrgBudgetsRepository', () => {
  let r: RepositoryDb;
  let budgets: OrgBudgetsRepository;

  beforeAll(async () => {
    r = await openRepositoryDb('repobudgets');
    budgets = new OrgBudgetsRepository(r.db);
  });
  afterAll(async () => {
    await r?.close();
  });

  const t0 = new Date(Date.UTC(2026, 0, 1, 12, 0, 0));
  const settings = (
    org: string,
    version: number,
    limits: Partial<OrgSettingsChangedEvent> = {},
  ): OrgSettingsChangedEvent =>
    ({
      event_id: `${org}-v${version}`,
      org_id: org,
      max_concurrent_calls: 10,
      calls_per_second: 4,
      compliance_guard: true,
      version,
      at: t0.toISOString(),
      ...limits,
    }) as OrgSettingsChangedEvent;
  const row = async (org: string) =>
    (await r.db.query(`SELECT * FROM ${r.table('org_budgets')} WHERE org_id = $1`, [org]))[0];

  it('an org never announced gets ORG_LIMIT_DEFAULTS and a full bucket, created once', async () => {
    const first = await r.db.tx((client) => budgets.lock(client, 'org-new', t0));
    expect(first).toMatchObject({
      org_id: 'org-new',
      ...ORG_LIMIT_DEFAULTS,
      settings_version: 0,
      tokens: Math.max(1, ORG_LIMIT_DEFAULTS.calls_per_second),
      refilled_at: t0,
    });
    const again = await r.db.tx((client) => budgets.lock(client, 'org-new', new Date(t0.getTime() + 5000)));
    expect(again).toEqual(first);
  });

  it('holds the org row lock until the transaction ends: a second admission of the org waits, another org does not', async () => {
    await r.db.tx((client) => budgets.lock(client, 'org-l', t0));
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let lockedA!: () => void;
    const aLocked = new Promise<void>((resolve) => (lockedA = resolve));
    const a = r.db.tx(async (client) => {
      await budgets.lock(client, 'org-l', t0);
      lockedA();
      await held;
      await budgets.saveBucket(client, 'org-l', { tokens: 0.25, refilledAtMs: t0.getTime() + 1000 });
    });
    await aLocked;
    let bDone = false;
    const b = r.db
      .tx((client) => budgets.lock(client, 'org-l', t0))
      .then((seen) => {
        bDone = true;
        return seen;
      });
    // Another org is never held up by org-l's lock.
    await r.db.tx((client) => budgets.lock(client, 'org-other', t0));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(bDone).toBe(false);
    release();
    await a;
    // B read the row as A committed it.
    expect(await b).toMatchObject({ tokens: 0.25, refilled_at: new Date(t0.getTime() + 1000) });
  });

  it('applies announced limits by version (highest wins) and shrinks the bucket to a lower rate at once', async () => {
    expect(
      await r.db.tx((client) => budgets.applySettings(client, settings('org-s', 2, { calls_per_second: 4 }), t0)),
    ).toBe(true);
    expect(await row('org-s')).toMatchObject({
      max_concurrent_calls: 10,
      calls_per_second: 4,
      settings_version: 2,
      tokens: 4,
    });
    expect(
      await r.db.tx((client) => budgets.applySettings(client, settings('org-s', 1, { calls_per_second: 50 }), t0)),
    ).toBe(false);
    expect(
      await r.db.tx((client) => budgets.applySettings(client, settings('org-s', 2, { calls_per_second: 50 }), t0)),
    ).toBe(false);
    expect(
      await r.db.tx((client) =>
        budgets.applySettings(
          client,
          settings('org-s', 3, { calls_per_second: 2, max_concurrent_calls: 3, compliance_guard: false }),
          t0,
        ),
      ),
    ).toBe(true);
    expect(await row('org-s')).toMatchObject({
      max_concurrent_calls: 3,
      calls_per_second: 2,
      compliance_guard: false,
      settings_version: 3,
      tokens: 2,
    });
    // A higher rate does not fill the bucket: tokens come with time.
    await r.db.tx((client) => budgets.saveBucket(client, 'org-s', { tokens: 0.5, refilledAtMs: t0.getTime() }));
    await r.db.tx((client) => budgets.applySettings(client, settings('org-s', 4, { calls_per_second: 20 }), t0));
    expect(await row('org-s')).toMatchObject({ calls_per_second: 20, tokens: 0.5 });
  });

  it('announced limits replace the defaults of an org admission created first', async () => {
    await r.db.tx((client) => budgets.lock(client, 'org-d', t0));
    expect(
      await r.db.tx((client) => budgets.applySettings(client, settings('org-d', 1, { max_concurrent_calls: 42 }), t0)),
    ).toBe(true);
    expect(await r.db.tx((client) => budgets.lock(client, 'org-d', t0))).toMatchObject({
      max_concurrent_calls: 42,
      settings_version: 1,
    });
  });
});
