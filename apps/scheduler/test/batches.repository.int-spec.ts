import { Database } from '@outdial/service-runtime';

import { BatchesRepository } from '../src/persistence/batches.repository';
import { ContactsRepository } from '../src/persistence/contacts.repository';
import {
  batchIngested,
  contact,
  contactsChunk,
  createSchedulerDatabase,
  SchedulerDatabase,
} from './support/scheduler-database';

/** BatchesRepository against the real PostgreSQL: registration, tombstones, status transitions, completion, the row lock. */
describe('BatchesRepository (PostgreSQL)', () => {
  let harness: SchedulerDatabase;
  let db: Database;
  let batches: BatchesRepository;
  let contacts: ContactsRepository;
  const now = new Date('2026-11-23T12:00:00Z');
  const later = new Date('2026-11-23T12:05:00Z');

  beforeAll(async () => {
    harness = await createSchedulerDatabase('schedbatches');
    db = harness.db;
    batches = new BatchesRepository(db);
    contacts = new ContactsRepository(db);
  });

  afterAll(async () => {
    await harness?.cleanup();
  });

  const row = async (batchId: string) =>
    (await db.query(`SELECT * FROM ${db.schema}.batches WHERE batch_id = $1`, [batchId]))[0];

  /** A registered batch with `n` received contacts, `final` of them final from the start. */
  async function received(
    batchId: string,
    n: number,
    final = 0,
    overrides: Parameters<typeof batchIngested>[2] = {},
  ): Promise<void> {
    await batches.register(batchIngested(batchId, n, overrides), now);
    await db.tx(async (client) => {
      await batches.lockSettings(client, batchId);
      const inserted = await contacts.insertChunk(
        client,
        contactsChunk(
          batchId,
          Array.from({ length: n }, (_, i) => contact(batchId, i + 1, i < final ? { status: 'suppressed' } : {})),
        ),
        Array(n).fill('UTC'),
      );
      await batches.addZones(client, batchId, ['UTC']);
      await batches.addReceived(client, batchId, inserted.length, inserted.filter((s) => s !== 'pending').length);
    });
  }

  it('register is idempotent and never brings back a deleted batch', async () => {
    await batches.register(
      batchIngested('b-reg', 2, { initial_status: 'scheduled' }, { scheduled_start_time: later.toISOString() }),
      now,
    );
    await batches.register(batchIngested('b-reg', 5), now);
    expect(await row('b-reg')).toMatchObject({
      status: 'scheduled',
      total_contacts: 2,
      concurrency: 5,
      scheduled_start_time: later,
      inflight: 0,
      breaker: { buckets: [], agent_error_run: 0 },
    });

    await db.tx(async (client) => {
      const batch = await batches.lock(client, 'b-reg');
      await batches.delete(client, batch!, now);
    });
    expect(await row('b-reg')).toBeUndefined();
    await batches.register(batchIngested('b-reg', 2), now);
    expect(await row('b-reg')).toBeUndefined();
    await db.tx(async (client) => {
      expect(await batches.lockLive(client, 'b-reg')).toBe('deleted');
      expect(await batches.lockLive(client, 'b-never')).toBeUndefined();
      expect(await batches.isDeleted(client, 'b-reg')).toBe(true);
    });
  });

  it('counts contacts received and final from intake; zone keys are kept once', async () => {
    await received('b-intake', 4, 1);
    await db.tx((client) => batches.addZones(client, 'b-intake', ['UTC', 'Asia/Tokyo']));
    expect(await row('b-intake')).toMatchObject({ contacts_received: 4, final_count: 1 });
    expect((await batches.zonesOf(['b-intake'])).get('b-intake')!.sort()).toEqual(['Asia/Tokyo', 'UTC']);
    expect((await db.tx((client) => batches.zonesOfLocked(client, 'b-intake'))).sort()).toEqual(['Asia/Tokyo', 'UTC']);
  });

  it('status transitions: start, pause, resume (breaker reset), reschedule, fail', async () => {
    await received('b-life', 2, 0, { initial_status: 'scheduled' });
    expect((await batches.dueForHousekeeping(now)).map((b) => b.batch_id)).toContain('b-life');
    await db.tx((client) => batches.start(client, 'b-life', now));
    expect(await row('b-life')).toMatchObject({ status: 'running', started_at: now });
    expect((await batches.dueForHousekeeping(now)).map((b) => b.batch_id)).not.toContain('b-life');

    await db.query(
      `UPDATE ${db.schema}.batches SET breaker = '{"buckets": [{"start": 0, "total": 3, "system": 3}], "agent_error_run": 2}' WHERE batch_id = 'b-life'`,
    );
    await db.tx((client) => batches.setStatus(client, 'b-life', 'paused', 'running', now));
    expect(await row('b-life')).toMatchObject({
      status: 'paused',
      previous_status: 'running',
      breaker: { agent_error_run: 2 },
    });
    await db.tx((client) => batches.setStatus(client, 'b-life', 'running', 'paused', later));
    expect(await row('b-life')).toMatchObject({
      status: 'running',
      previous_status: 'paused',
      breaker: { buckets: [], agent_error_run: 0 },
      updated_at: later,
    });

    await received('b-resched', 1, 0, { initial_status: 'pending' });
    await db.tx((client) => batches.reschedule(client, 'b-resched', later, 'pending', now));
    const rescheduled = await row('b-resched');
    expect(rescheduled).toMatchObject({ status: 'scheduled', previous_status: 'pending', scheduled_start_time: later });
    expect(rescheduled.settings.scheduled_start_time).toBe(later.toISOString());
    expect((await batches.dueForHousekeeping(now)).map((b) => b.batch_id)).not.toContain('b-resched');
    expect((await batches.dueForHousekeeping(later)).map((b) => b.batch_id)).toContain('b-resched');

    await db.tx((client) => batches.markFailed(client, 'b-resched', now));
    expect(await row('b-resched')).toMatchObject({ status: 'failed', previous_status: 'scheduled' });
  });

  it('completeIfDone: a running batch completes exactly once; a cancelled one is only drained; nothing before every contact is final', async () => {
    await received('b-done', 2);
    await db.tx((client) => batches.start(client, 'b-done', now));
    expect(await db.tx((client) => batches.completeIfDone(client, 'b-done', now))).toBeUndefined();
    await db.tx((client) => batches.addFinal(client, 'b-done', 2, now));
    const completed = await db.tx((client) => batches.completeIfDone(client, 'b-done', later));
    expect(completed).toMatchObject({ batch_id: 'b-done', status: 'running' }); // as it was before
    expect(await row('b-done')).toMatchObject({ status: 'completed', completed_at: later });
    expect(await db.tx((client) => batches.completeIfDone(client, 'b-done', later))).toBeUndefined();

    await received('b-cancel', 1, 1);
    await db.tx((client) => batches.setStatus(client, 'b-cancel', 'cancelled', 'running', now));
    expect(await db.tx((client) => batches.completeIfDone(client, 'b-cancel', later))).toBeUndefined();
    expect(await row('b-cancel')).toMatchObject({ status: 'cancelled', completed_at: later });
  });

  it('release bookkeeping: releasable batches, in flight per org, slots taken and given back, attempt ends with auto-pause', async () => {
    await received('b-rel', 3);
    await db.tx((client) => batches.addReleased(client, 'b-rel', 2, now));
    expect(await row('b-rel')).toMatchObject({ inflight: 2, last_release_at: now });
    const releasable = (await batches.releasable()).find((b) => b.batch_id === 'b-rel');
    expect(releasable).toMatchObject({ org_id: 'org-1', concurrency: 5, inflight: 2, priority: 0, delay: null });
    expect((await batches.inflightByOrg(['org-1'])).get('org-1')).toBeGreaterThanOrEqual(2);

    await db.tx((client) => batches.releaseSlot(client, 'b-rel', now));
    const breaker = { buckets: [{ start: 0, total: 1, system: 1 }], agent_error_run: 0 };
    await db.tx((client) =>
      batches.recordAttemptEnds(
        client,
        [{ batch_id: 'b-rel', ended: 1, finals: 1, breaker, status: 'paused', previous_status: 'running' }],
        now,
      ),
    );
    expect(await row('b-rel')).toMatchObject({
      inflight: 0,
      final_count: 1,
      status: 'paused',
      previous_status: 'running',
      breaker,
    });
    await db.tx((client) => batches.releaseSlot(client, 'b-rel', now)); // never below zero
    expect((await row('b-rel')).inflight).toBe(0);
    expect((await batches.releasable()).map((b) => b.batch_id)).not.toContain('b-rel');
  });

  it('lockMany locks several batches in batch_id order and names the deleted ones; recordAttemptEnds changes each in one statement', async () => {
    await received('b-many-2', 3);
    await received('b-many-1', 3);
    await received('b-many-gone', 1);
    await db.tx((client) => batches.delete(client, { batch_id: 'b-many-gone', org_id: 'org-1' }, now));
    await db.tx(async (client) => {
      await batches.addReleased(client, 'b-many-1', 3, now);
      await batches.addReleased(client, 'b-many-2', 2, now);
    });
    const { locked, deleted } = await db.tx((client) =>
      batches.lockMany(client, ['b-many-2', 'b-many-unknown', 'b-many-gone', 'b-many-1']),
    );
    expect(locked.map((b) => b.batch_id)).toEqual(['b-many-1', 'b-many-2']);
    expect([...deleted]).toEqual(['b-many-gone']);

    const breaker = { buckets: [{ start: 0, total: 2, system: 0 }], agent_error_run: 0 };
    await db.tx((client) =>
      batches.recordAttemptEnds(
        client,
        [
          { batch_id: 'b-many-1', ended: 2, finals: 1, breaker, status: 'failed', previous_status: 'running' },
          { batch_id: 'b-many-2', ended: 5, finals: 2, breaker, status: 'running', previous_status: null },
        ],
        later,
      ),
    );
    expect(await row('b-many-1')).toMatchObject({
      inflight: 1,
      final_count: 1,
      status: 'failed',
      previous_status: 'running',
      breaker,
    });
    // Never below zero; a null previous status keeps the one it had.
    expect(await row('b-many-2')).toMatchObject({
      inflight: 0,
      final_count: 2,
      status: 'running',
      previous_status: null,
    });
  });

  it('lockUnfinishedOfAgent locks only the unfinished batches of that agent, in batch_id order', async () => {
    await received('b-agent-2', 1, 0, { agent_id: 'agent-x' });
    await received('b-agent-1', 1, 0, { agent_id: 'agent-x' });
    await received('b-agent-3', 1, 0, { agent_id: 'agent-y' });
    const locked = await db.tx((client) =>
      batches.lockUnfinishedOfAgent(client, 'org-1', 'agent-x', ['pending', 'scheduled', 'running', 'paused']),
    );
    expect(locked.map((b) => b.batch_id)).toEqual(['b-agent-1', 'b-agent-2']);
  });

  it('the batch row lock serializes writers: a second lock waits for the first transaction to end', async () => {
    await received('b-lock', 1);
    const order: string[] = [];
    let releaseFirst!: () => void;
    const firstHolds = new Promise<void>((resolve) => (releaseFirst = resolve));
    let firstLocked!: () => void;
    const locked = new Promise<void>((resolve) => (firstLocked = resolve));
    const first = db.tx(async (client) => {
      await batches.lock(client, 'b-lock');
      order.push('first locked');
      firstLocked();
      await firstHolds;
      await batches.addReleased(client, 'b-lock', 1, now);
      order.push('first commits');
    });
    await locked;
    const second = db.tx(async (client) => {
      const batch = await batches.lock(client, 'b-lock');
      order.push(`second locked, inflight ${batch!.inflight}`);
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(order).toEqual(['first locked']);
    releaseFirst();
    await Promise.all([first, second]);
    expect(order).toEqual(['first locked', 'first commits', 'second locked, inflight 1']);
  });
});
