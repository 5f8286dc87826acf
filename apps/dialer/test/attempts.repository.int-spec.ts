import { AttemptsRepository, NewAttempt } from '../src/persistence/attempts.repository';
import { OrgBudgetsRepository } from '../src/persistence/org-budgets.repository';
import { openRepositoryDb, RepositoryDb } from './support/repository-db';

/**
 * AttemptsRepository against the real PostgreSQL: at most one admission per (contact, attempt), the
 * open-slot counter rows (kept by triggers, given back exactly once), guarded transitions that a late writer cannot undo,
 * and the SKIP LOCKED claims every replica runs at once.
 */
describe('AttemptsRepository', () => {
  let r: RepositoryDb;
  let attempts: AttemptsRepository;

  beforeAll(async () => {
    r = await openRepositoryDb('repoattempts');
    attempts = new AttemptsRepository(r.db);
  });
  afterAll(async () => {
    await r?.close();
  });

  const t = (second: number) => new Date(Date.UTC(2026, 0, 1, 12, 0, second));
  let n = 0;
  const newAttempt = (overrides: Partial<NewAttempt> = {}): NewAttempt => {
    n++;
    return {
      attempt_id: `a-${n}:1`,
      contact_id: `a-${n}`,
      attempt: 1,
      batch_id: 'batch-1',
      org_id: 'org-1',
      provider: 'twilio',
      agent_id: 'agent-1',
      requested_at: t(0),
      lease_expires_at: t(100),
      timeout_seconds: 60,
      admitted_by: 'replica-a',
      admitted_at: t(1),
      ...overrides,
    };
  };
  const admit = (attempt: NewAttempt) => r.db.tx((client) => attempts.insertIfAbsent(client, attempt));
  const get = async (attemptId: string) =>
    (await r.db.query(`SELECT * FROM ${attempts.tableName} WHERE attempt_id = $1`, [attemptId]))[0];

  it('names its table from the Database schema', () => {
    expect(attempts.tableName).toBe(r.table('attempts'));
  });

  describe('insertIfAbsent', () => {
    it('admits once per attempt id and once per (contact, attempt)', async () => {
      const first = newAttempt();
      expect(await admit(first)).toMatchObject({
        attempt_id: first.attempt_id,
        status: 'admitted',
        admitted_by: 'replica-a',
        agent_id: 'agent-1',
        outcome: null,
      });
      expect(await admit({ ...first, batch_id: 'other' })).toBeNull();
      expect(await admit({ ...first, attempt_id: 'another-id' })).toBeNull();
      expect(await admit({ ...first, attempt_id: 'next-attempt', attempt: 2 })).toMatchObject({
        status: 'admitted',
        attempt: 2,
      });
    });

    it('records an attempt already ended when given its ending', async () => {
      const row = await r.db.tx((client) =>
        attempts.insertIfAbsent(client, newAttempt(), {
          outcome: 'timeout',
          ended_at: t(5),
          duration_seconds: 0,
          failure_reason: 'not admitted',
        }),
      );
      expect(row).toMatchObject({
        status: 'ended',
        outcome: 'timeout',
        ended_at: t(5),
        duration_seconds: 0,
        failure_reason: 'not admitted',
      });
    });
  });

  describe('open slots (counter rows kept by triggers)', () => {
    it('counts the open attempts of the org, batch and agent: +1 on an open insert, -1 once at the end, none for an ended insert', async () => {
      const org = 'org-view';
      const open = [
        newAttempt({ org_id: org, batch_id: 'bv-1', agent_id: 'ag-1' }),
        newAttempt({ org_id: org, batch_id: 'bv-1', agent_id: 'ag-2' }),
        newAttempt({ org_id: org, batch_id: 'bv-2', agent_id: 'ag-1' }),
      ];
      for (const attempt of open) await admit(attempt);
      await r.db.tx((client) =>
        attempts.insertIfAbsent(client, newAttempt({ org_id: org, batch_id: 'bv-1', agent_id: 'ag-1' }), {
          outcome: 'busy',
          ended_at: t(2),
          duration_seconds: 0,
        }),
      );
      await admit(newAttempt({ org_id: 'org-elsewhere', batch_id: 'bv-1', agent_id: 'ag-1' }));
      const slots = (batch_id: string, agent_id?: string) =>
        r.db.tx((client) => attempts.openSlots(client, { org_id: org, batch_id, agent_id }));
      expect(await slots('bv-1', 'ag-1')).toEqual({ org_open: 3, batch_open: 2, agent_open: 2 });
      expect(await slots('bv-unknown')).toEqual({ org_open: 3, batch_open: 0, agent_open: 0 });

      const ending = { outcome: 'completed' as const, ended_at: t(5), duration_seconds: 1 };
      expect(await r.db.tx((client) => attempts.end(client, open[0].attempt_id, ending))).not.toBeNull();
      // A duplicate end changes nothing: the slot was given back once.
      expect(await r.db.tx((client) => attempts.end(client, open[0].attempt_id, ending))).toBeNull();
      expect(await slots('bv-1', 'ag-1')).toEqual({ org_open: 2, batch_open: 1, agent_open: 1 });
      // Deleting an ended attempt changes nothing; deleting an open one (admission given back) frees it.
      await r.db.tx((client) => attempts.deleteEndedOfBatch(client, 'bv-1'));
      expect(await r.db.tx((client) => attempts.deleteUndialed(client, open[1].attempt_id))).toBe(true);
      expect(await slots('bv-1', 'ag-2')).toEqual({ org_open: 1, batch_open: 0, agent_open: 0 });
      await r.db.tx((client) => attempts.end(client, open[2].attempt_id, ending));
      expect(await slots('bv-2', 'ag-1')).toEqual({ org_open: 0, batch_open: 0, agent_open: 0 });
    });

    it('find returns the attempt by id or by (contact, attempt)', async () => {
      const a = newAttempt();
      await admit(a);
      const byKey = await r.db.tx((client) =>
        attempts.find(client, { attempt_id: 'other-id', contact_id: a.contact_id, attempt: 1 }),
      );
      expect(byKey).toMatchObject({ attempt_id: a.attempt_id, status: 'admitted' });
      expect(
        await r.db.tx((client) => attempts.find(client, { attempt_id: 'nope:1', contact_id: 'nope', attempt: 1 })),
      ).toBeNull();
    });
  });

  describe('the call goes on', () => {
    it('recordDialing moves admitted -> dialing and never overwrites what provider events set first', async () => {
      const a = newAttempt();
      await admit(a);
      expect(await r.db.tx((client) => attempts.recordDialing(client, a.attempt_id, 'CA1', t(2), true))).toMatchObject({
        status: 'dialing',
        provider_call_id: 'CA1',
        started_at: t(2),
        hangup_on_machine: true,
      });

      const b = newAttempt();
      await admit(b);
      await r.db.tx((client) => attempts.advance(client, b.attempt_id, 'ringing', { provider_call_id: 'CA-b' }));
      expect(await r.db.tx((client) => attempts.recordDialing(client, b.attempt_id, 'CA-other', t(2)))).toMatchObject({
        status: 'ringing',
        provider_call_id: 'CA-b',
      });
      expect(await r.db.tx((client) => attempts.recordDialing(client, 'missing:1', 'CA', t(2)))).toBeNull();
    });

    it('lock / lockByProviderCall find the attempt (by id, or by the platform call id)', async () => {
      const a = newAttempt({ provider: 'elevenlabs' });
      await admit(a);
      await r.db.tx((client) => attempts.recordDialing(client, a.attempt_id, 'conv-1', t(2)));
      expect(await r.db.tx((client) => attempts.lock(client, a.attempt_id))).toMatchObject({
        attempt_id: a.attempt_id,
      });
      expect(await r.db.tx((client) => attempts.lockByProviderCall(client, 'elevenlabs', 'conv-1'))).toMatchObject({
        attempt_id: a.attempt_id,
      });
      expect(await r.db.tx((client) => attempts.lockByProviderCall(client, 'vapi', 'conv-1'))).toBeNull();
      expect(await r.db.tx((client) => attempts.lock(client, 'missing:1'))).toBeNull();
    });

    it('lock holds the row: a second locker waits for the first transaction', async () => {
      const a = newAttempt();
      await admit(a);
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let lockedFirst!: () => void;
      const firstLocked = new Promise<void>((resolve) => (lockedFirst = resolve));
      const first = r.db.tx(async (client) => {
        await attempts.lock(client, a.attempt_id);
        lockedFirst();
        await held;
        await attempts.advance(client, a.attempt_id, 'in_progress', { answered_at: t(4) });
      });
      await firstLocked;
      let secondDone = false;
      const second = r.db
        .tx((client) => attempts.lock(client, a.attempt_id))
        .then((row) => {
          secondDone = true;
          return row;
        });
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(secondDone).toBe(false);
      release();
      await first;
      expect(await second).toMatchObject({ status: 'in_progress', answered_at: t(4) });
    });

    it('advance keeps the first answer and verdict; recordVerdict keeps the first verdict; neither touches an ended attempt', async () => {
      const a = newAttempt();
      await admit(a);
      await r.db.tx((client) =>
        attempts.advance(client, a.attempt_id, 'in_progress', {
          answered_at: t(4),
          provider_call_id: 'CA',
          answered_by: 'human',
        }),
      );
      await r.db.tx((client) =>
        attempts.advance(client, a.attempt_id, 'in_progress', { answered_at: t(9), answered_by: 'machine_start' }),
      );
      await r.db.tx((client) => attempts.recordVerdict(client, a.attempt_id, 'fax', 'CA'));
      expect(await get(a.attempt_id)).toMatchObject({ status: 'in_progress', answered_at: t(4), answered_by: 'human' });

      const b = newAttempt();
      await admit(b);
      await r.db.tx((client) => attempts.recordVerdict(client, b.attempt_id, 'machine_end_beep', 'CB'));
      await r.db.tx((client) => attempts.recordVerdict(client, b.attempt_id, 'human', 'CB'));
      expect(await get(b.attempt_id)).toMatchObject({
        status: 'admitted',
        answered_by: 'machine_end_beep',
        provider_call_id: 'CB',
      });

      await r.db.tx((client) =>
        attempts.end(client, b.attempt_id, { outcome: 'voicemail', ended_at: t(20), duration_seconds: 5 }),
      );
      await r.db.tx((client) => attempts.advance(client, b.attempt_id, 'ringing', {}));
      expect((await get(b.attempt_id)).status).toBe('ended');
    });

    it('end ends an open attempt once: a second end gets null and changes nothing', async () => {
      const a = newAttempt();
      await admit(a);
      const ended = await r.db.tx((client) =>
        attempts.end(client, a.attempt_id, {
          outcome: 'completed',
          ended_at: t(30),
          duration_seconds: 12.5,
          provider_call_id: 'CA',
          recording_url: 'https://rec',
          transcript: 'hi',
          cost: 0.12,
        }),
      );
      expect(ended).toMatchObject({
        status: 'ended',
        outcome: 'completed',
        ended_at: t(30),
        duration_seconds: 12.5,
        recording_url: 'https://rec',
        transcript: 'hi',
        cost: 0.12,
        report_held_until: null,
      });
      expect(
        await r.db.tx((client) =>
          attempts.end(client, a.attempt_id, { outcome: 'timeout', ended_at: t(99), duration_seconds: 0 }),
        ),
      ).toBeNull();
      expect(await get(a.attempt_id)).toMatchObject({ outcome: 'completed', ended_at: t(30) });
    });
  });

  describe('held reports', () => {
    it('settleHeld releases a held report once, with the final outcome', async () => {
      const a = newAttempt();
      await admit(a);
      await r.db.tx((client) =>
        attempts.end(client, a.attempt_id, {
          outcome: 'completed',
          ended_at: t(30),
          duration_seconds: 10,
          report_held_until: t(50),
        }),
      );
      expect(
        await r.db.tx((client) => attempts.settleHeld(client, a.attempt_id, 'voicemail', 'machine_end_beep')),
      ).toMatchObject({ outcome: 'voicemail', answered_by: 'machine_end_beep', report_held_until: null });
      expect(await r.db.tx((client) => attempts.settleHeld(client, a.attempt_id, 'completed'))).toBeNull();
      expect((await get(a.attempt_id)).outcome).toBe('voicemail');
    });

    it('claimHeldDue returns the due held attempts only, and skips rows another replica holds', async () => {
      const due1 = newAttempt({ org_id: 'org-held' });
      const due2 = newAttempt({ org_id: 'org-held' });
      const later = newAttempt({ org_id: 'org-held' });
      for (const [attempt, until] of [
        [due1, t(40)],
        [due2, t(41)],
        [later, t(90)],
      ] as const) {
        await admit(attempt);
        await r.db.tx((client) =>
          attempts.end(client, attempt.attempt_id, {
            outcome: 'completed',
            ended_at: t(30),
            duration_seconds: 1,
            report_held_until: until,
          }),
        );
      }
      const mine = (rows: { attempt_id: string }[]) =>
        rows.map((row) => row.attempt_id).filter((id) => [due1, due2, later].some((a) => a.attempt_id === id));
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let claimedFirst!: (ids: string[]) => void;
      const firstClaim = new Promise<string[]>((resolve) => (claimedFirst = resolve));
      const replicaA = r.db.tx(async (client) => {
        claimedFirst(mine(await attempts.claimHeldDue(client, t(45), 1)));
        await held;
      });
      const a = await firstClaim;
      const b = mine(await r.db.tx((client) => attempts.claimHeldDue(client, t(45), 10)));
      release();
      await replicaA;
      expect(a).toHaveLength(1);
      expect([...a, ...b].sort()).toEqual([due1.attempt_id, due2.attempt_id].sort());
    });
  });

  describe('reaping and removal', () => {
    it('claimExpired returns the open attempts whose lease expired, skipping locked rows', async () => {
      const expired = newAttempt({ org_id: 'org-reap', lease_expires_at: t(10) });
      const older = newAttempt({ org_id: 'org-reap', lease_expires_at: t(5) });
      const alive = newAttempt({ org_id: 'org-reap', lease_expires_at: t(1000) });
      for (const attempt of [expired, older, alive]) await admit(attempt);
      const ours = (rows: { attempt_id: string }[]) =>
        rows.map((row) => row.attempt_id).filter((id) => [expired, older, alive].some((a) => a.attempt_id === id));
      expect(ours(await r.db.tx((client) => attempts.claimExpired(client, t(500), 100))).sort()).toEqual(
        [older.attempt_id, expired.attempt_id].sort(),
      );

      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let lockedFirst!: () => void;
      const firstLocked = new Promise<void>((resolve) => (lockedFirst = resolve));
      const replicaA = r.db.tx(async (client) => {
        await attempts.lock(client, older.attempt_id);
        lockedFirst();
        await held;
      });
      await firstLocked;
      expect(ours(await r.db.tx((client) => attempts.claimExpired(client, t(500), 100)))).toEqual([expired.attempt_id]);
      release();
      await replicaA;
    });

    it('deleteUndialed takes back only an admission nothing was dialed for', async () => {
      const undialed = newAttempt();
      const dialed = newAttempt();
      await admit(undialed);
      await admit(dialed);
      await r.db.tx((client) => attempts.recordDialing(client, dialed.attempt_id, 'CA', t(2)));
      expect(await r.db.tx((client) => attempts.deleteUndialed(client, undialed.attempt_id))).toBe(true);
      expect(await r.db.tx((client) => attempts.deleteUndialed(client, dialed.attempt_id))).toBe(false);
      expect(await get(undialed.attempt_id)).toBeUndefined();
      expect(await get(dialed.attempt_id)).toBeDefined();
    });

    it('deleteEndedOfBatch removes the ended attempts and counts the open ones left', async () => {
      const ended = newAttempt({ batch_id: 'b-gone' });
      const open = newAttempt({ batch_id: 'b-gone' });
      await r.db.tx((client) =>
        attempts.insertIfAbsent(client, ended, { outcome: 'busy', ended_at: t(3), duration_seconds: 0 }),
      );
      await admit(open);
      expect(await r.db.tx((client) => attempts.deleteEndedOfBatch(client, 'b-gone'))).toEqual({ deleted: 1, open: 1 });
    });

    it('countOpenByOrg counts open attempts per org, with 0 for orgs that only have a budget', async () => {
      await r.db.tx((client) => new OrgBudgetsRepository(r.db).lock(client, 'org-idle', t(0)));
      await admit(newAttempt({ org_id: 'org-count' }));
      await admit(newAttempt({ org_id: 'org-count' }));
      const counts = await r.db.tx((client) => attempts.countOpenByOrg(client));
      expect(counts).toEqual(
        expect.arrayContaining([
          { org_id: 'org-count', open: 2 },
          { org_id: 'org-idle', open: 0 },
        ]),
      );
    });
  });
});
