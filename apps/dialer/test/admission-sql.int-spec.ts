import { OrgSettingsChangedEvent } from '@outdial/contracts';

import { decideAdmission } from '../src/domain/admission';
import { AttemptsRepository } from '../src/persistence/attempts.repository';
import { BatchStatesRepository } from '../src/persistence/batch-states.repository';
import { AdmitInput, OrgBudgetsRepository } from '../src/persistence/org-budgets.repository';
import { openRepositoryDb, RepositoryDb } from './support/repository-db';

/**
 * The admission SQL function (`admit_attempt`, migration 006, via OrgBudgetsRepository.admit) at its
 * edges, against the real PostgreSQL on a schema not named `dialer`: each limit exactly reached and
 * one more refused, the bucket, reconciliation, declines, many admissions at once, and the slot
 * counters back to 0 after every attempt ended (ends, duplicate ends, lease expiry, given back).
 */
describe('admission in one statement (admit_attempt)', () => {
  let r: RepositoryDb;
  let budgets: OrgBudgetsRepository;
  let attempts: AttemptsRepository;
  let batches: BatchStatesRepository;

  beforeAll(async () => {
    r = await openRepositoryDb('admitsql');
    budgets = new OrgBudgetsRepository(r.db);
    attempts = new AttemptsRepository(r.db);
    batches = new BatchStatesRepository(r.db);
  });
  afterAll(async () => {
    await r?.close();
  });

  let n = 0;
  const input = (org: string, overrides: Partial<AdmitInput> = {}): AdmitInput => {
    n++;
    return {
      attempt_id: `c-${n}:1`,
      contact_id: `c-${n}`,
      attempt: 1,
      batch_id: 'b-1',
      org_id: org,
      agent_id: 'agent-1',
      provider: 'simulated',
      requested_at: new Date().toISOString(),
      timeout_seconds: 60,
      lease_grace_seconds: 30,
      admitted_by: 'replica-test',
      batch_concurrency: undefined,
      agent_max_concurrent_calls: undefined,
      not_after: undefined,
      clock_offset_ms: 0,
      ...overrides,
    };
  };
  const admit = (i: AdmitInput) => budgets.admit(r.db.pool, i);
  /** A request without the replica's own part (what admitMany takes per request). */
  const strip = ({ lease_grace_seconds: _g, admitted_by: _b, clock_offset_ms: _o, ...q }: AdmitInput) => q;
  const setLimits = (org: string, max: number, cps: number, version = 1) =>
    r.db.tx((client) =>
      budgets.applySettings(
        client,
        {
          event_id: `${org}-v${version}`,
          org_id: org,
          max_concurrent_calls: max,
          calls_per_second: cps,
          compliance_guard: true,
          version,
          at: new Date().toISOString(),
        } as OrgSettingsChangedEvent,
        new Date(),
      ),
    );
  const slots = (org: string, batch = 'b-1', agent = 'agent-1') =>
    r.db.tx((client) => attempts.openSlots(client, { org_id: org, batch_id: batch, agent_id: agent }));
  const endAll = async (org: string) => {
    const open = await r.db.query<{ attempt_id: string }>(
      `SELECT attempt_id FROM ${r.table('attempts')} WHERE org_id = $1 AND status <> 'ended'`,
      [org],
    );
    for (const { attempt_id } of open)
      await r.db.tx((client) =>
        attempts.end(client, attempt_id, { outcome: 'completed', ended_at: new Date(), duration_seconds: 1 }),
      );
  };

  it('org limit: exactly max_concurrent_calls admitted, the next refused (org), admitted again once one ended', async () => {
    await setLimits('org-max', 3, 1000);
    const verdicts = [];
    for (let i = 0; i < 4; i++) verdicts.push(await admit(input('org-max', { batch_id: `b-${i}` })));
    expect(verdicts.slice(0, 3).map((v) => v.verdict)).toEqual(['admitted', 'admitted', 'admitted']);
    expect(verdicts[3]).toMatchObject({ verdict: 'refused', limit: 'org' });
    expect(await slots('org-max', 'b-0')).toEqual({ org_open: 3, batch_open: 1, agent_open: 3 });
    const first = verdicts[0];
    if (first.verdict !== 'admitted') throw new Error('unreachable');
    expect(first.attempt).toMatchObject({ status: 'admitted', admitted_by: 'replica-test', agent_id: 'agent-1' });
    expect(first.attempt.admitted_at).toBeInstanceOf(Date);
    expect(first.attempt.lease_expires_at.getTime() - first.attempt.admitted_at!.getTime()).toBe(90_000);
    await r.db.tx((client) =>
      attempts.end(client, first.attempt.attempt_id, { outcome: 'busy', ended_at: new Date(), duration_seconds: 0 }),
    );
    expect((await admit(input('org-max'))).verdict).toBe('admitted');
    expect((await admit(input('org-max'))).verdict).toBe('refused');
  });

  it('batch concurrency and agent max_concurrent_calls: exactly reached, one more refused', async () => {
    await setLimits('org-ba', 100, 1000);
    for (let i = 0; i < 2; i++)
      expect((await admit(input('org-ba', { batch_concurrency: 2 }))).verdict).toBe('admitted');
    expect(await admit(input('org-ba', { batch_concurrency: 2 }))).toMatchObject({
      verdict: 'refused',
      limit: 'batch',
    });
    // Another batch of the same agent: the agent's limit of 3 allows one more, then refuses.
    expect((await admit(input('org-ba', { batch_id: 'b-2', agent_max_concurrent_calls: 3 }))).verdict).toBe('admitted');
    expect(await admit(input('org-ba', { batch_id: 'b-3', agent_max_concurrent_calls: 3 }))).toMatchObject({
      verdict: 'refused',
      limit: 'agent',
    });
    expect(
      (await admit(input('org-ba', { batch_id: 'b-3', agent_id: 'agent-2', agent_max_concurrent_calls: 3 }))).verdict,
    ).toBe('admitted');
  });

  it('rate: a bucket of max(1, cps) tokens, then refused with the wait for the next token', async () => {
    await setLimits('org-rate', 100, 2);
    const verdicts = [];
    for (let i = 0; i < 3; i++) verdicts.push(await admit(input('org-rate')));
    expect(verdicts.map((v) => v.verdict)).toEqual(['admitted', 'admitted', 'refused']);
    const refused = verdicts[2];
    if (refused.verdict !== 'refused') throw new Error('unreachable');
    expect(refused.limit).toBe('rate');
    expect(refused.retryAfterMs).toBeGreaterThan(400);
    expect(refused.retryAfterMs).toBeLessThanOrEqual(500);
    // A refusal takes nothing: no slot.
    expect((await slots('org-rate')).org_open).toBe(2);
  });

  it('matches decideAdmission on the slot limits (the pure rule of domain/admission.ts)', async () => {
    for (const [max, open] of [
      [1, 0],
      [1, 1],
      [4, 3],
      [4, 4],
    ]) {
      const org = `org-match-${max}-${open}`;
      await setLimits(org, max, 1000);
      for (let i = 0; i < open; i++) await admit(input(org));
      const sql = await admit(input(org));
      const domain = decideAdmission({
        orgOpen: open,
        batchOpen: open,
        maxConcurrentCalls: max,
        batchConcurrency: undefined,
        callsPerSecond: 1000,
        bucket: { tokens: 1000, refilledAtMs: 0 },
        nowMs: 0,
      });
      expect(sql.verdict).toBe(domain.kind === 'admit' ? 'admitted' : 'refused');
    }
  });

  it('reconciles a second admission of the same attempt id or (contact, attempt), spending nothing', async () => {
    await setLimits('org-rec', 10, 1000);
    const first = input('org-rec');
    expect((await admit(first)).verdict).toBe('admitted');
    const again = await admit({ ...first });
    expect(again).toMatchObject({ verdict: 'reconciled', attempt: { attempt_id: first.attempt_id } });
    const sameContact = await admit({ ...first, attempt_id: 'other:1' });
    expect(sameContact).toMatchObject({ verdict: 'reconciled', attempt: { attempt_id: first.attempt_id } });
    expect((await slots('org-rec')).org_open).toBe(1);
  });

  it('declines a batch not running (unless released after the change) and a passed not_after, recording nothing', async () => {
    await setLimits('org-dec', 10, 1000);
    const changed = new Date(Date.now() - 1000);
    await r.db.tx((client) =>
      batches.record(client, { batch_id: 'b-paused', org_id: 'org-dec', status: 'paused', at: changed }),
    );
    expect(
      await admit(
        input('org-dec', { batch_id: 'b-paused', requested_at: new Date(changed.getTime() - 1).toISOString() }),
      ),
    ).toMatchObject({ verdict: 'declined', reason: 'batch_not_running' });
    expect((await admit(input('org-dec', { batch_id: 'b-paused' }))).verdict).toBe('admitted');
    expect(await admit(input('org-dec', { not_after: new Date(Date.now() - 1).toISOString() }))).toMatchObject({
      verdict: 'declined',
      reason: 'outside_window',
    });
    expect((await slots('org-dec', 'b-paused')).org_open).toBe(1);
  });

  it('an org never announced gets the default limits and a full bucket', async () => {
    expect((await admit(input('org-default'))).verdict).toBe('admitted');
    const row = (await r.db.query(`SELECT * FROM ${r.table('org_budgets')} WHERE org_id = 'org-default'`))[0];
    expect(row).toMatchObject({ settings_version: 0 });
  });

  it('many admissions at once across a pool: never more than the limit, and every counter back to 0 once all ended', async () => {
    await setLimits('org-race', 10, 100000);
    const verdicts = await Promise.all(
      Array.from({ length: 60 }, (_, i) => admit(input('org-race', { batch_id: `b-${i % 3}`, batch_concurrency: 4 }))),
    );
    const admitted = verdicts.filter((v) => v.verdict === 'admitted').length;
    expect(admitted).toBe(10);
    const counted = await r.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${r.table('attempts')} WHERE org_id = 'org-race' AND status <> 'ended'`,
    );
    expect(counted[0].n).toBe(10);
    expect((await slots('org-race', 'b-0')).batch_open).toBeLessThanOrEqual(4);
    await endAll('org-race');
    for (const batch of ['b-0', 'b-1', 'b-2'])
      expect(await slots('org-race', batch)).toEqual({ org_open: 0, batch_open: 0, agent_open: 0 });
  });

  it('a group (admit_attempts): each request decided as alone, in order per org, at the limits, across orgs', async () => {
    await setLimits('org-gA', 3, 1000);
    await setLimits('org-gB', 100, 2);
    const common = { lease_grace_seconds: 30, admitted_by: 'replica-test', clock_offset_ms: 0 };
    const a = [0, 1, 2, 3].map((i) => input('org-gA', { batch_id: `gb-${i % 2}`, batch_concurrency: 2 }));
    const b = [0, 1, 2].map(() => input('org-gB'));
    const late = input('org-gB', { not_after: new Date(Date.now() - 1).toISOString() });
    // Interleaved orgs, a duplicate of a[0] in the same group, and a passed not_after.
    const group = [b[0], a[0], a[1], b[1], a[2], { ...a[0] }, a[3], b[2], late].map(strip);
    const verdicts = await budgets.admitMany(r.db.pool, group, common);
    expect(verdicts.map((v) => v.verdict + ('limit' in v ? `:${v.limit}` : ''))).toEqual([
      'admitted', // b[0]
      'admitted', // a[0] gb-0
      'admitted', // a[1] gb-1
      'admitted', // b[1]
      'admitted', // a[2] gb-0: its second, the org's third
      'reconciled', // a[0] again: admitted earlier in this group
      'refused:org', // a[3]
      'refused:rate', // b[2]: bucket of 2
      'declined', // late (org-gB)
    ]);
    const first = verdicts[1];
    if (first.verdict !== 'admitted') throw new Error('unreachable');
    expect(first.attempt).toMatchObject({
      attempt_id: a[0].attempt_id,
      status: 'admitted',
      admitted_by: 'replica-test',
    });
    expect((verdicts[5] as { attempt: { attempt_id: string } }).attempt.attempt_id).toBe(a[0].attempt_id);
    expect(verdicts[8]).toMatchObject({ verdict: 'declined', reason: 'outside_window' });
    expect(await slots('org-gA', 'gb-0')).toEqual({ org_open: 3, batch_open: 2, agent_open: 3 });
    expect((await slots('org-gB')).org_open).toBe(2);
    // One more of gb-0: its batch concurrency (2) is reached now.
    const [more] = await budgets.admitMany(
      r.db.pool,
      [strip(input('org-gA', { batch_id: 'gb-0', batch_concurrency: 2 }))],
      common,
    );
    expect(more).toMatchObject({ verdict: 'refused', limit: 'batch' });
    await endAll('org-gA');
    await endAll('org-gB');
    expect(await slots('org-gA', 'gb-0')).toEqual({ org_open: 0, batch_open: 0, agent_open: 0 });
    expect(await slots('org-gB')).toEqual({ org_open: 0, batch_open: 0, agent_open: 0 });
  });

  it('groups at once from many connections: never more than the limits, counters back to 0 once all ended', async () => {
    await setLimits('org-grace', 10, 100000);
    const common = { lease_grace_seconds: 30, admitted_by: 'replica-test', clock_offset_ms: 0 };
    const groups = await Promise.all(
      Array.from({ length: 8 }, () =>
        budgets.admitMany(
          r.db.pool,
          Array.from({ length: 8 }, (_, i) =>
            strip(input('org-grace', { batch_id: `b-${i % 3}`, batch_concurrency: 4 })),
          ),
          common,
        ),
      ),
    );
    expect(groups.flat().filter((v) => v.verdict === 'admitted')).toHaveLength(10);
    for (const batch of ['b-0', 'b-1', 'b-2'])
      expect((await slots('org-grace', batch)).batch_open).toBeLessThanOrEqual(4);
    await endAll('org-grace');
    for (const batch of ['b-0', 'b-1', 'b-2'])
      expect(await slots('org-grace', batch)).toEqual({ org_open: 0, batch_open: 0, agent_open: 0 });
  });

  it('counters back to 0 after lease expiry (the reaper), duplicate ends, and an admission given back', async () => {
    await setLimits('org-reap', 10, 1000);
    const admitted = [];
    for (let i = 0; i < 4; i++)
      admitted.push(await admit(input('org-reap', { timeout_seconds: 1, lease_grace_seconds: 0 })));
    const ids = admitted.map((v) => (v.verdict === 'admitted' ? v.attempt.attempt_id : ''));
    expect((await slots('org-reap')).org_open).toBe(4);
    // Given back (the provider provably placed nothing).
    expect(await r.db.tx((client) => attempts.deleteUndialed(client, ids[0]))).toBe(true);
    // Ended by its provider event, and a duplicate end event.
    const ending = { outcome: 'no_answer' as const, ended_at: new Date(), duration_seconds: 0 };
    expect(await r.db.tx((client) => attempts.end(client, ids[1], ending))).not.toBeNull();
    expect(await r.db.tx((client) => attempts.end(client, ids[1], ending))).toBeNull();
    expect((await slots('org-reap')).org_open).toBe(2);
    // The reaper: leases expired (1 s), claimed and ended in one transaction, one reaper at a time.
    const later = new Date(Date.now() + 5000);
    const reaped = await r.db.tx(async (client) => {
      expect(await attempts.tryLockReaping(client)).toBe(true);
      const expired = await attempts.claimExpired(client, later, 100);
      for (const row of expired)
        await attempts.end(client, row.attempt_id, { outcome: 'timeout', ended_at: later, duration_seconds: 0 });
      return expired.length;
    });
    expect(reaped).toBe(2);
    // A late end after the reaper's timeout changes nothing.
    expect(await r.db.tx((client) => attempts.end(client, ids[2], ending))).toBeNull();
    expect(await slots('org-reap')).toEqual({ org_open: 0, batch_open: 0, agent_open: 0 });
  });

  it('one reaper at a time: a second transaction does not get the reaping lock while the first holds it', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const first = r.db.tx(async (client) => {
      expect(await attempts.tryLockReaping(client)).toBe(true);
      locked();
      await held;
    });
    await isLocked;
    expect(await r.db.tx((client) => attempts.tryLockReaping(client))).toBe(false);
    release();
    await first;
    expect(await r.db.tx((client) => attempts.tryLockReaping(client))).toBe(true);
  });
});
