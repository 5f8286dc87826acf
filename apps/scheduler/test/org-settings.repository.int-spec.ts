import { CIRCUIT_BREAKER_DEFAULTS, ORG_LIMIT_DEFAULTS, OrgSettingsChangedEvent } from '@outdial/contracts';
import { Database } from '@outdial/service-runtime';

import { OrgSettingsRepository } from '../src/persistence/org-settings.repository';
import { createSchedulerDatabase, SchedulerDatabase } from './support/scheduler-database';

/** OrgSettingsRepository against the real PostgreSQL: the version guard and the defaults. */
describe('OrgSettingsRepository (PostgreSQL)', () => {
  let harness: SchedulerDatabase;
  let db: Database;
  let orgs: OrgSettingsRepository;

  beforeAll(async () => {
    harness = await createSchedulerDatabase('schedorgs');
    db = harness.db;
    orgs = new OrgSettingsRepository(db);
  });

  afterAll(async () => {
    await harness?.cleanup();
  });

  const settings = (version: number, overrides: Partial<OrgSettingsChangedEvent> = {}): OrgSettingsChangedEvent => ({
    event_id: `org-a:${version}`,
    org_id: 'org-a',
    max_concurrent_calls: 10 * version,
    calls_per_second: version,
    compliance_guard: version % 2 === 0,
    version,
    at: new Date().toISOString(),
    ...overrides,
  });

  it('an org not heard of yet has the defaults', async () => {
    const limits = await orgs.limits(['org-unknown']);
    expect(limits.get('org-unknown')).toEqual({
      max_concurrent_calls: ORG_LIMIT_DEFAULTS.max_concurrent_calls,
      compliance_guard: ORG_LIMIT_DEFAULTS.compliance_guard,
    });
    expect(await orgs.complianceGuard('org-unknown')).toBe(ORG_LIMIT_DEFAULTS.compliance_guard);
    expect((await db.tx((client) => orgs.rulesOf(['org-unknown'], client))).get('org-unknown')).toEqual({
      compliance_guard: ORG_LIMIT_DEFAULTS.compliance_guard,
      circuit_breaker: CIRCUIT_BREAKER_DEFAULTS,
    });
  });

  it('the highest version wins; an older or repeated event changes nothing', async () => {
    await orgs.apply(settings(2));
    await orgs.apply(settings(1));
    await orgs.apply(settings(2, { max_concurrent_calls: 999 }));
    expect((await orgs.limits(['org-a'])).get('org-a')).toEqual({ max_concurrent_calls: 20, compliance_guard: true });
    await orgs.apply(settings(3));
    expect((await orgs.limits(['org-a', 'org-unknown'])).get('org-a')).toEqual({
      max_concurrent_calls: 30,
      compliance_guard: false,
    });
    expect(await orgs.complianceGuard('org-a')).toBe(false);
  });

  it('a partial circuit-breaker rule is completed with the defaults, inside the caller transaction', async () => {
    await orgs.apply(settings(4, { circuit_breaker: { ...CIRCUIT_BREAKER_DEFAULTS, min_attempts: 3 } }));
    await db.query(`UPDATE ${db.schema}.orgs SET circuit_breaker = '{"min_attempts": 7}' WHERE org_id = 'org-a'`);
    expect((await db.tx((client) => orgs.rulesOf(['org-a'], client))).get('org-a')!.circuit_breaker).toEqual({
      ...CIRCUIT_BREAKER_DEFAULTS,
      min_attempts: 7,
    });
  });
});
