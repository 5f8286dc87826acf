import { ContactStatus } from '@outdial/contracts';
import { Database } from '@outdial/service-runtime';

import { BatchesRepository } from '../src/persistence/batches.repository';
import { ClaimedContact, ContactsRepository } from '../src/persistence/contacts.repository';
import {
  batchIngested,
  contact,
  contactsChunk,
  createSchedulerDatabase,
  SchedulerDatabase,
} from './support/scheduler-database';

/** ContactsRepository against the real PostgreSQL: the release claim above all. */
describe('ContactsRepository (PostgreSQL)', () => {
  let harness: SchedulerDatabase;
  let db: Database;
  let contacts: ContactsRepository;
  let batches: BatchesRepository;
  const now = new Date('2026-11-23T12:00:00Z');

  beforeAll(async () => {
    harness = await createSchedulerDatabase('schedcontacts');
    db = harness.db;
    contacts = new ContactsRepository(db);
    batches = new BatchesRepository(db);
  });

  afterAll(async () => {
    await harness?.cleanup();
  });

  /** Registers a batch and stores its contacts (zone key UTC unless given). */
  async function seed(batchId: string, rows: Parameters<typeof contact>[2][], zoneKeys?: string[]): Promise<void> {
    await batches.register(batchIngested(batchId, rows.length), now);
    const chunk = contactsChunk(
      batchId,
      rows.map((overrides, i) => contact(batchId, i + 1, overrides)),
    );
    await db.tx(async (client) => {
      await contacts.insertChunk(client, chunk, zoneKeys ?? rows.map(() => 'UTC'));
    });
  }

  /** Claimed ids in file order (RETURNING has no order; the SELECT's ORDER BY decides WHICH rows are claimed). */
  const ids = (claimed: ClaimedContact[]) =>
    claimed.map((c) => c.contact_id).sort((x, y) => Number(x.split('-c').pop()) - Number(y.split('-c').pop()));

  const statusOf = async (contactId: string) =>
    (
      await db.query<{ status: ContactStatus; attempts: number; version: number }>(
        `SELECT status, attempts, version FROM ${db.schema}.contacts WHERE contact_id = $1`,
        [contactId],
      )
    )[0];

  it('insertChunk is idempotent: a redelivered chunk inserts nothing, and says what it inserted', async () => {
    await batches.register(batchIngested('b-insert', 3), now);
    const chunk = contactsChunk('b-insert', [
      contact('b-insert', 1),
      contact('b-insert', 2, { status: 'suppressed' }),
      contact('b-insert', 3, { status: 'invalid_number' }),
    ]);
    const first = await db.tx((client) => contacts.insertChunk(client, chunk, ['UTC', 'UTC', 'Europe/Berlin']));
    expect(first.sort()).toEqual(['invalid_number', 'pending', 'suppressed']);
    const again = await db.tx((client) => contacts.insertChunk(client, chunk, ['UTC', 'UTC', 'Europe/Berlin']));
    expect(again).toEqual([]);
    const rows = await db.query<{ zone_key: string; variables: Record<string, string> }>(
      `SELECT zone_key, variables FROM ${db.schema}.contacts WHERE batch_id = 'b-insert' ORDER BY row`,
    );
    expect(rows.map((r) => r.zone_key)).toEqual(['UTC', 'UTC', 'Europe/Berlin']);
    expect(rows[0].variables).toEqual({ row: '1' });
  });

  it('claimReleasable: highest priority first, then file order; only pending or due queued contacts in the given zones; next attempt number', async () => {
    await seed(
      'b-order',
      [{ priority: 0 }, { priority: 5 }, { priority: 0 }, { priority: 0 }, { priority: 0 }],
      ['UTC', 'UTC', 'UTC', 'Asia/Tokyo', 'UTC'],
    );
    // c5 waits for a retry that is not due yet; c3 one that is due.
    await db.query(
      `UPDATE ${db.schema}.contacts SET status = 'queued', attempts = 1, next_retry_at = $2 WHERE contact_id = $1`,
      ['b-order-c5', new Date(now.getTime() + 60_000)],
    );
    await db.query(
      `UPDATE ${db.schema}.contacts SET status = 'queued', attempts = 1, next_retry_at = $2 WHERE contact_id = $1`,
      ['b-order-c3', new Date(now.getTime() - 1)],
    );
    const [top] = await db.tx((client) => contacts.claimReleasable(client, 'b-order', 1, ['UTC'], now));
    expect(top).toMatchObject({
      contact_id: 'b-order-c2',
      status: 'dialing',
      attempts: 1,
      phone: '+14155551002',
      variables: { row: '2' },
      zone_key: 'UTC',
      version: 2,
    });
    const next = await db.tx((client) => contacts.claimReleasable(client, 'b-order', 1, ['UTC'], now));
    expect(ids(next)).toEqual(['b-order-c1']);
    const rest = await db.tx((client) => contacts.claimReleasable(client, 'b-order', 10, ['UTC'], now));
    expect(rest.map((c) => [c.contact_id, c.status, c.attempts])).toEqual([['b-order-c3', 'dialing', 2]]);
    // Nothing left in UTC that is due; Tokyo's contact only when its zone is open.
    expect(await db.tx((client) => contacts.claimReleasable(client, 'b-order', 10, ['UTC'], now))).toEqual([]);
    expect(ids(await db.tx((client) => contacts.claimReleasable(client, 'b-order', 10, ['Asia/Tokyo'], now)))).toEqual([
      'b-order-c4',
    ]);
  });

  it('claimReleasable over several open zones takes the highest priorities across them, never a closed zone', async () => {
    await seed(
      'b-zones',
      [{ priority: 1 }, { priority: 7 }, { priority: 3 }, { priority: 9 }, { priority: 5 }, { priority: 8 }],
      ['UTC', 'Europe/Paris', 'UTC', 'Asia/Tokyo', 'Europe/Paris', 'UTC'],
    );
    const first = await db.tx((client) => contacts.claimReleasable(client, 'b-zones', 3, ['UTC', 'Europe/Paris'], now));
    // Priorities 8 (UTC), 7 (Paris), 5 (Paris); Tokyo's 9 is closed.
    expect(ids(first)).toEqual(['b-zones-c2', 'b-zones-c5', 'b-zones-c6']);
    const rest = await db.tx((client) => contacts.claimReleasable(client, 'b-zones', 10, ['UTC', 'Europe/Paris'], now));
    expect(ids(rest)).toEqual(['b-zones-c1', 'b-zones-c3']);
    expect((await statusOf('b-zones-c4')).status).toBe('pending');
  });

  it('markManyInProgress, lockContacts and recordOutcomes apply a group of attempt events in one statement each', async () => {
    await seed('b-many', [{}, {}, {}]);
    const claimed = await db.tx((client) => contacts.claimReleasable(client, 'b-many', 3, ['UTC'], now));
    expect(claimed).toHaveLength(3);
    const started = await db.tx((client) =>
      contacts.markManyInProgress(
        client,
        [
          { contact_id: 'b-many-c1', attempt: 1 },
          { contact_id: 'b-many-c2', attempt: 2 }, // another attempt: nothing
          { contact_id: 'b-many-c3', attempt: 1 },
          { contact_id: 'b-many-c1', attempt: 1 }, // the same event twice: once
        ],
        now,
      ),
    );
    expect(started.map((c) => [c.contact_id, c.status, c.version]).sort()).toEqual([
      ['b-many-c1', 'in_progress', 3],
      ['b-many-c3', 'in_progress', 3],
    ]);
    const locked = await db.tx((client) => contacts.lockContacts(client, ['b-many-c3', 'b-many-c1', 'b-nope']));
    expect(locked.map((c) => [c.contact_id, c.status, c.zone_key])).toEqual([
      ['b-many-c1', 'in_progress', 'UTC'],
      ['b-many-c3', 'in_progress', 'UTC'],
    ]);
    const retryAt = new Date(now.getTime() + 60_000);
    await db.tx((client) =>
      contacts.recordOutcomes(
        client,
        [
          { ...locked[0], status: 'completed', version: 4, last_outcome: 'completed', next_retry_at: null },
          { ...locked[1], status: 'queued', version: 4, last_outcome: 'busy', next_retry_at: retryAt },
        ],
        now,
      ),
    );
    const rows = await db.query(
      `SELECT contact_id, status, version, last_outcome, next_retry_at FROM ${db.schema}.contacts
        WHERE batch_id = 'b-many' ORDER BY contact_id`,
    );
    expect(rows).toEqual([
      { contact_id: 'b-many-c1', status: 'completed', version: 4, last_outcome: 'completed', next_retry_at: null },
      { contact_id: 'b-many-c2', status: 'dialing', version: 2, last_outcome: null, next_retry_at: null },
      { contact_id: 'b-many-c3', status: 'queued', version: 4, last_outcome: 'busy', next_retry_at: retryAt },
    ]);
  });

  it('claimReleasable with SKIP LOCKED: a claimer never waits for, nor takes, the rows another open transaction claimed', async () => {
    await seed(
      'b-skip',
      Array.from({ length: 10 }, () => ({})),
    );
    const a = await db.pool.connect();
    const b = await db.pool.connect();
    try {
      await a.query('BEGIN');
      await b.query('BEGIN');
      // No statement may wait on a row lock: a wait would fail the test instead of hanging it.
      await b.query(`SET LOCAL lock_timeout = '2s'`);
      const first = await contacts.claimReleasable(a, 'b-skip', 4, ['UTC'], now);
      const second = await contacts.claimReleasable(b, 'b-skip', 4, ['UTC'], now);
      expect(ids(first)).toEqual(['b-skip-c1', 'b-skip-c2', 'b-skip-c3', 'b-skip-c4']);
      expect(ids(second)).toEqual(['b-skip-c5', 'b-skip-c6', 'b-skip-c7', 'b-skip-c8']);
      await a.query('COMMIT');
      await b.query('COMMIT');
    } finally {
      a.release();
      b.release();
    }
    const left = await db.tx((client) => contacts.claimReleasable(client, 'b-skip', 10, ['UTC'], now));
    expect(ids(left)).toEqual(['b-skip-c9', 'b-skip-c10']);
  });

  it('four concurrent claimers, each claiming 7 at a time in its own transactions, claim every one of 300 contacts exactly once', async () => {
    const total = 300;
    await seed(
      'b-race',
      Array.from({ length: total }, (_, i) => ({ priority: i % 3 })),
    );
    const claimer = async (): Promise<ClaimedContact[]> => {
      const mine: ClaimedContact[] = [];
      for (;;) {
        const claimed = await db.tx((client) => contacts.claimReleasable(client, 'b-race', 7, ['UTC'], now));
        if (claimed.length === 0) return mine;
        mine.push(...claimed);
      }
    };
    const results = await Promise.all([claimer(), claimer(), claimer(), claimer()]);
    const ids = results.flat().map((c) => c.contact_id);
    expect(ids).toHaveLength(total);
    expect(new Set(ids).size).toBe(total);
    const rows = await db.query<{ status: string; attempts: number; n: number }>(
      `SELECT status, attempts, count(*)::int AS n FROM ${db.schema}.contacts WHERE batch_id = 'b-race' GROUP BY status, attempts`,
    );
    expect(rows).toEqual([{ status: 'dialing', attempts: 1, n: total }]);
  });

  it('lockAttempt / markManyInProgress / recordOutcomes / giveBack / cancelReleased follow one attempt', async () => {
    await seed('b-attempt', [{}, {}]);
    const [c1, c2] = (await db.tx((client) => contacts.claimReleasable(client, 'b-attempt', 2, ['UTC'], now))).sort(
      (x, y) => x.contact_id.localeCompare(y.contact_id),
    );
    // A result for another attempt number, or a status not listed, finds nothing.
    expect(await db.tx((client) => contacts.lockAttempt(client, c1.contact_id, 2, ['dialing']))).toBeUndefined();
    expect(await db.tx((client) => contacts.lockAttempt(client, c1.contact_id, 1, ['in_progress']))).toBeUndefined();

    const [started] = await db.tx((client) =>
      contacts.markManyInProgress(client, [{ contact_id: c1.contact_id, attempt: 1 }], now),
    );
    expect(started).toMatchObject({
      contact_id: c1.contact_id,
      status: 'in_progress',
      version: c1.version + 1,
      attempts: 1,
    });
    expect(
      await db.tx((client) => contacts.markManyInProgress(client, [{ contact_id: c1.contact_id, attempt: 1 }], now)),
    ).toEqual([]); // repeated

    const locked = await db.tx((client) => contacts.lockAttempt(client, c1.contact_id, 1, ['dialing', 'in_progress']));
    expect(locked).toMatchObject({ status: 'in_progress', zone_key: 'UTC' });
    const retryAt = new Date(now.getTime() + 30_000);
    await db.tx((client) =>
      contacts.recordOutcomes(
        client,
        [{ ...locked!, status: 'queued', version: locked!.version + 1, last_outcome: 'busy', next_retry_at: retryAt }],
        now,
      ),
    );
    const after = (
      await db.query(
        `SELECT status, version, last_outcome, next_retry_at FROM ${db.schema}.contacts WHERE contact_id = $1`,
        [c1.contact_id],
      )
    )[0];
    expect(after).toEqual({
      status: 'queued',
      version: locked!.version + 1,
      last_outcome: 'busy',
      next_retry_at: retryAt,
    });

    await db.tx((client) =>
      contacts.giveBack(
        client,
        { ...c2, status: 'pending', attempts: 0, version: c2.version + 1, next_retry_at: null },
        now,
      ),
    );
    expect(await statusOf(c2.contact_id)).toEqual({ status: 'pending', attempts: 0, version: c2.version + 1 });
    await db.tx((client) => contacts.cancelReleased(client, c2.contact_id, c2.version + 2, now));
    expect(await statusOf(c2.contact_id)).toEqual({ status: 'cancelled', attempts: 0, version: c2.version + 2 });
  });

  it('finalizeWaiting ends only waiting contacts, up to the limit, optionally only in some zones', async () => {
    await seed('b-final', [{}, {}, {}, {}, {}], ['UTC', 'UTC', 'Asia/Tokyo', 'UTC', 'UTC']);
    await db.tx((client) => contacts.claimReleasable(client, 'b-final', 1, ['UTC'], now)); // c1 is being dialed
    const tokyo = await db.tx((client) =>
      contacts.finalizeWaiting(client, 'b-final', 'expired', 'never open', now, {
        limit: 10,
        zoneKeys: ['Asia/Tokyo'],
      }),
    );
    expect(tokyo.map((c) => [c.contact_id, c.status])).toEqual([['b-final-c3', 'expired']]);
    const chunk = await db.tx((client) =>
      contacts.finalizeWaiting(client, 'b-final', 'cancelled', 'batch cancelled', now, { limit: 2 }),
    );
    expect(chunk).toHaveLength(2);
    const rest = await db.tx((client) =>
      contacts.finalizeWaiting(client, 'b-final', 'cancelled', 'batch cancelled', now, { limit: 10 }),
    );
    expect(rest).toHaveLength(1);
    const rows = await db.query<{ contact_id: string; status: string; final_reason: string | null }>(
      `SELECT contact_id, status, final_reason FROM ${db.schema}.contacts WHERE batch_id = 'b-final' ORDER BY row`,
    );
    expect(rows.map((r) => r.status)).toEqual(['dialing', 'cancelled', 'expired', 'cancelled', 'cancelled']);
    expect(rows[2].final_reason).toBe('never open');
  });

  it('survey counts callable contacts up to up_to per batch, in open zones only, and flags never-open zones with waiting contacts', async () => {
    await seed('b-survey', [{}, {}, {}, {}], ['UTC', 'UTC', 'UTC', 'Pacific/Chatham']);
    const rows = await contacts.survey(
      [
        { batch_id: 'b-survey', open: ['UTC'], never: ['Pacific/Chatham'], up_to: 2 },
        { batch_id: 'b-insert', open: [], never: [], up_to: 5 },
      ],
      now,
    );
    const byBatch = new Map(rows.map((r) => [r.batch_id, r]));
    expect(byBatch.get('b-survey')).toEqual({ batch_id: 'b-survey', callable: 2, stranded: true });
    expect(byBatch.get('b-insert')).toEqual({ batch_id: 'b-insert', callable: 0, stranded: false });
  });

  it('lostReleases: released contacts older than their batch call timeout plus the grace', async () => {
    await seed('b-lost', [{}, {}]);
    await db.tx((client) => contacts.claimReleasable(client, 'b-lost', 2, ['UTC'], now));
    const timeout = (
      await db.query<{ t: number }>(
        `SELECT (settings->>'timeout_per_call_seconds')::int AS t FROM ${db.schema}.batches WHERE batch_id = 'b-lost'`,
      )
    )[0].t;
    await db.query(`UPDATE ${db.schema}.contacts SET released_at = $2 WHERE contact_id = $1`, [
      'b-lost-c1',
      new Date(now.getTime() - (timeout + 61) * 1000),
    ]);
    const lost = (await contacts.lostReleases(now, 60, 10, 100)).filter((l) => l.batch_id === 'b-lost');
    expect(lost).toEqual([{ batch_id: 'b-lost', contact_id: 'b-lost-c1', attempts: 1 }]);
  });

  it('deleteOfBatch removes only that batch', async () => {
    await seed('b-del', [{}, {}]);
    await db.tx((client) => contacts.deleteOfBatch(client, 'b-del'));
    expect(await db.query(`SELECT 1 FROM ${db.schema}.contacts WHERE batch_id = 'b-del'`)).toHaveLength(0);
    expect((await db.query(`SELECT 1 FROM ${db.schema}.contacts WHERE batch_id = 'b-skip'`)).length).toBe(10);
  });
});
