import type { CallFinishedEvent, CallStartedEvent, ContactRecord } from '@outdial/contracts';
import { Database } from '@outdial/service-runtime';

import { AttemptReadModelRepository } from '../src/persistence/attempt-read-model.repository';
import { BatchReadModelRepository } from '../src/persistence/batch-read-model.repository';
import { ContactReadModelRepository } from '../src/persistence/contact-read-model.repository';
import { contactsFilter } from '../src/persistence/contacts-filter';
import { batchIngested, repositoryDb } from './support/repository-db';

const NOW = new Date('2025-01-01T10:00:00.000Z');
const BATCH = { batch_id: 'b1', org_id: 'org-1' };

const contact = (row: number, over: Partial<ContactRecord> = {}): ContactRecord =>
  ({
    contact_id: `c${row}`,
    row,
    phone: `+1202555000${row}`,
    name: `Contact ${row}`,
    priority: 0,
    variables: { plan: `p${row}` },
    status: 'pending',
    ...over,
  }) as ContactRecord;

/** ContactReadModelRepository and AttemptReadModelRepository against the real PostgreSQL (schema from `Database`). */
describe('ContactReadModelRepository and AttemptReadModelRepository (PostgreSQL)', () => {
  let db: Database;
  let close: () => Promise<void>;
  let contacts: ContactReadModelRepository;
  let attempts: AttemptReadModelRepository;

  beforeAll(async () => {
    ({ db, close } = await repositoryDb('contactsrepo'));
    contacts = new ContactReadModelRepository(db);
    attempts = new AttemptReadModelRepository(db);
    await db.tx((c) => new BatchReadModelRepository(db).upsertIngested(c, batchIngested('b1'), null, NOW));
  });

  afterAll(async () => {
    await close?.();
  });

  it('fills a placeholder from the chunk and keeps the status the scheduler already decided', async () => {
    await db.tx(async (c) => {
      await contacts.insertPlaceholders(c, [{ contact_id: 'c2', ...BATCH }]);
      await contacts.insertPlaceholders(c, [{ contact_id: 'c2', ...BATCH }]); // an existing one is kept
      await contacts.applyStates(c, [
        {
          contactId: 'c2',
          versioned: true,
          status: 'dialing',
          final: false,
          version: 1,
          attempts: 1,
          lastOutcome: null,
          nextRetryAt: null,
          lastAttemptAt: null,
        },
      ]);
    });
    const result = await db.tx(async (c) => {
      const before = await contacts.countStates(c, ['c1', 'c2', 'c3']);
      const after = await contacts.upsertChunk(c, BATCH, [
        contact(1),
        contact(2),
        contact(3, { status: 'suppressed' }),
      ]);
      return { before, after };
    });
    expect(result.before).toEqual([{ status: 'dialing', final: false, attempts: 1, row: null }]);
    expect(result.after).toEqual([
      { status: 'pending', final: false, attempts: 0, row: 1 },
      { status: 'dialing', final: false, attempts: 1, row: 2 },
      { status: 'suppressed', final: true, attempts: 0, row: 3 },
    ]);
    // A repeated chunk changes nothing that counts.
    expect(
      await db.tx((c) =>
        contacts.upsertChunk(c, BATCH, [contact(1), contact(2), contact(3, { status: 'suppressed' })]),
      ),
    ).toEqual(result.after);
    expect((await db.tx((c) => contacts.findMany(c, ['c2', 'c9'])))[0]).toMatchObject({
      version: 1,
      status: 'dialing',
      row: 2,
      phone: '+12025550002',
    });
  });

  it('pages and counts with the contacts filter, and reads results rows as flat arrays after a row', async () => {
    const all = contactsFilter({ batch_id: 'b1' });
    expect((await contacts.page(all, 2, 0)).map((c) => c.row)).toEqual([1, 2]);
    expect((await contacts.page(all, 2, 2)).map((c) => c.row)).toEqual([3]);
    const search = contactsFilter({ batch_id: 'b1', search: '(202) 555-0003' });
    expect(await contacts.countMatching(search)).toBe(1);
    const rows = await contacts.resultsRows('b1', 'all', 1, 10, ['plan']);
    expect(rows.map((r) => r[0])).toEqual([2, 3]);
    expect(rows[0][rows[0].length - 1]).toBe('p2');
    expect((await contacts.resultsRows('b1', 'failed', 0, 10, [])).map((r) => r[0])).toEqual([3]);
  });

  it('keeps the first finish of an attempt, whatever the order, and shows the latest attempt on the contact', async () => {
    const started = {
      ...BATCH,
      event_id: 's',
      contact_id: 'c1',
      attempt_id: 'a1',
      attempt: 1,
      provider: 'simulated',
      provider_call_id: 'p1',
      started_at: '2025-01-01T09:30:00.000Z',
    } as CallStartedEvent;
    const finished = (attemptId: string, attempt: number, outcome: string, duration: number) =>
      ({
        ...BATCH,
        event_id: `f-${attemptId}-${outcome}`,
        contact_id: 'c1',
        attempt_id: attemptId,
        attempt,
        provider: 'simulated',
        outcome,
        ended_at: '2025-01-01T09:31:00.000Z',
        duration_seconds: duration,
      }) as CallFinishedEvent;
    // The finish of attempt 2 before any start: the row is created by the finish.
    expect(await db.tx((c) => attempts.recordFinishes(c, [finished('a2', 2, 'completed', 20)], [0.03]))).toEqual(
      new Map([['a2', { startedAt: null, inserted: true }]]),
    );
    expect(await db.tx((c) => attempts.recordStarts(c, [started]))).toEqual(new Set(['a1']));
    expect(await db.tx((c) => attempts.recordStarts(c, [started]))).toEqual(new Set());
    const first = (await db.tx((c) => attempts.recordFinishes(c, [finished('a1', 1, 'busy', 0)], [0]))).get('a1');
    expect(first).toEqual({ startedAt: new Date('2025-01-01T09:30:00.000Z'), inserted: false });
    // The first finish wins.
    expect(await db.tx((c) => attempts.recordFinishes(c, [finished('a1', 1, 'completed', 10)], [0.015]))).toEqual(
      new Map(),
    );
    const call = (attempt: number, duration: number, startedAt: Date | null) => ({
      contactId: 'c1',
      callId: `a${attempt}`,
      attempt,
      durationSeconds: duration,
      recordingUrl: null,
      transcript: null,
      failureReason: null,
      startedAt,
    });
    await db.tx(async (c) => {
      await contacts.recordCalls(c, [call(2, 20, null)]);
      await contacts.recordCalls(c, [call(1, 0, first!.startedAt)]); // older attempt: not shown at all
    });
    expect((await contacts.page(contactsFilter({ batch_id: 'b1' }), 1, 0))[0]).toMatchObject({
      call_id: 'a2',
      last_attempt_at: null,
    });
    // The dial time only moves forward, whatever the order.
    const dialed = (at: string) => ({
      contactId: 'c1',
      versioned: false,
      status: 'ignored',
      final: false,
      version: 0,
      attempts: 0,
      lastOutcome: null,
      nextRetryAt: null,
      lastAttemptAt: at,
    });
    await db.tx(async (c) => {
      await contacts.applyStates(c, [dialed(started.started_at)]);
      await contacts.applyStates(c, [dialed('2025-01-01T09:00:00.000Z')]);
    });
    expect((await contacts.page(contactsFilter({ batch_id: 'b1' }), 1, 0))[0]).toMatchObject({
      call_id: 'a2',
      duration_seconds: 20,
      last_attempt_at: new Date('2025-01-01T09:30:00.000Z'),
    });
    expect(await attempts.outcomeTotals('b1')).toEqual(
      expect.arrayContaining([
        { outcome: 'busy', count: 1, talk: 0, connected: 0 },
        { outcome: 'completed', count: 1, talk: 20, connected: 1 },
      ]),
    );
    const page = await attempts.page({ ...BATCH, page: 1, page_size: 25 });
    expect(page.map((a) => a.attempt_id)).toEqual(['a1', 'a2']);
    expect(page[0].phone).toBe('+12025550001');
    expect(await attempts.countMatching({ ...BATCH, outcome: ['busy'], page: 1, page_size: 25 })).toBe(1);
    expect(AttemptReadModelRepository.isFiltered({ ...BATCH, page: 1, page_size: 25 })).toBe(false);
  });
});
