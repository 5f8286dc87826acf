import { Database, TransientError } from '@outdial/service-runtime';

import { BatchReadModelRepository } from '../src/persistence/batch-read-model.repository';
import { ProcessedEventsRepository } from '../src/persistence/processed-events.repository';
import { batchIngested, repositoryDb } from './support/repository-db';

const NOW = new Date('2025-01-01T10:00:00.000Z');

/** BatchReadModelRepository and ProcessedEventsRepository against the real PostgreSQL (schema from `Database`). */
describe('BatchReadModelRepository (PostgreSQL)', () => {
  let db: Database;
  let close: () => Promise<void>;
  let batches: BatchReadModelRepository;
  let processed: ProcessedEventsRepository;

  beforeAll(async () => {
    ({ db, close } = await repositoryDb('batchesrepo'));
    batches = new BatchReadModelRepository(db);
    processed = new ProcessedEventsRepository(db, batches);
  });

  afterAll(async () => {
    await close?.();
  });

  it('inserts an announced batch once, then refreshes its metadata and keeps counters and a status already set', async () => {
    expect(await db.tx((c) => batches.upsertIngested(c, batchIngested('b1'), null, NOW))).toBe(true);
    await db.tx((c) =>
      batches.applyStatusChange(
        c,
        'b1',
        { status: 'running', status_at: NOW, start_time: NOW, completed_at: null },
        NOW,
      ),
    );
    await db.tx((c) =>
      batches.applyCounterDelta(c, 'b1', { final: 1, completed: 1, failed: 0, inProgress: 0, dialedFinal: 1 }, NOW),
    );
    expect(
      await db.tx((c) =>
        batches.upsertIngested(c, batchIngested('b1', { name: 'renamed', initial_status: 'scheduled' }), null, NOW),
      ),
    ).toBe(false);
    const row = await batches.find('b1', 'org-1');
    expect(row).toMatchObject({
      name: 'renamed',
      status: 'running',
      final_count: 1,
      completed_count: 1,
      dialed_final_count: 1,
      total_calls: 4,
    });
    expect(await batches.find('b1', 'org-2')).toBeNull();
    expect(await batches.findColumns('b1', 'org-1', ['max_attempts', 'variable_columns'])).toEqual({
      max_attempts: 3,
      variable_columns: ['plan'],
    });
    expect(await batches.findColumns('b1', 'org-2', [])).toBeUndefined();
  });

  it('keeps per-status counts by delta, and counts contacts not arrived yet as pending', async () => {
    await db.tx((c) => batches.upsertIngested(c, batchIngested('b2'), null, NOW));
    await db.tx(async (c) => {
      await batches.applyStatusCountDelta(c, 'b2', new Map([['pending', 2]]));
      await batches.applyStatusCountDelta(
        c,
        'b2',
        new Map([
          ['pending', -1],
          ['completed', 1],
        ]),
      );
      await batches.applyStatusCountDelta(c, 'b2', new Map()); // nothing to do
    });
    expect(await batches.statusCounts('b2')).toEqual(
      expect.arrayContaining([
        { status: 'pending', count: 1 },
        { status: 'completed', count: 1 },
      ]),
    );
    // 4 announced, 2 arrived: the 2 still on their way count as pending.
    expect(await batches.countContactsByStatus('b2', null)).toBe(4);
    expect(await batches.countContactsByStatus('b2', ['pending'])).toBe(3);
    expect(await batches.countContactsByStatus('b2', ['completed'])).toBe(1);
    expect(await batches.readModelState('org-1', 'b2')).toEqual({ status_at: null, total_calls: 4, contacts: 2 });
    expect(await batches.readModelState('org-2', 'b2')).toBeUndefined();
  });

  it('locks the batch row for the rest of the transaction: a second writer waits', async () => {
    await db.tx((c) => batches.upsertIngested(c, batchIngested('b3'), null, NOW));
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const first = db.tx(async (c) => {
      expect(await batches.lockOrRetryLater(c, 'b3')).toBe(true);
      locked();
      await held;
    });
    await isLocked;
    const second = db.tx(async (c) => {
      await c.query(`SET LOCAL lock_timeout = '200ms'`);
      return batches.lockOrRetryLater(c, 'b3');
    });
    await expect(second).rejects.toMatchObject({ code: '55P03' }); // lock_not_available
    release();
    await first;
    await expect(db.tx((c) => batches.lockOrRetryLater(c, 'b3'))).resolves.toBe(true);
  });

  it('says "retry later" for a batch not known yet, and drops events of a deleted one', async () => {
    await expect(db.tx((c) => batches.lockOrRetryLater(c, 'unknown'))).rejects.toBeInstanceOf(TransientError);
    await db.tx((c) => batches.upsertIngested(c, batchIngested('b4'), null, NOW));
    expect(await db.tx((c) => processed.claimBatchEvent(c, { batch_id: 'b4', event_id: 'e-1' }, NOW))).toBe(true);
    expect(await db.tx((c) => processed.claimBatchEvent(c, { batch_id: 'b4', event_id: 'e-1' }, NOW))).toBe(false); // already applied
    await db.tx((c) => batches.deleteEverything(c, 'b4', 'org-1', NOW));
    await db.tx((c) => batches.deleteEverything(c, 'b4', 'org-1', NOW)); // idempotent
    expect(await batches.find('b4', null)).toBeNull();
    expect(await db.tx((c) => batches.isDeleted(c, 'b4'))).toBe(true);
    expect(await db.tx((c) => batches.lockOrRetryLater(c, 'b4'))).toBe(false);
    expect(await db.tx((c) => processed.claimBatchEvent(c, { batch_id: 'b4', event_id: 'e-2' }, NOW))).toBe(false);
  });

  it('lists the org batches newest first, by status and by a search that escapes LIKE wildcards', async () => {
    await db.tx(async (c) => {
      await batches.upsertIngested(
        c,
        batchIngested('list-a', { org_id: 'org-list', name: '50% off', created_at: '2025-01-01T01:00:00.000Z' }),
        null,
        NOW,
      );
      await batches.upsertIngested(
        c,
        batchIngested('list-b', { org_id: 'org-list', name: '500 offers', created_at: '2025-01-01T02:00:00.000Z' }),
        null,
        NOW,
      );
      await batches.upsertIngested(
        c,
        batchIngested('list-c', {
          org_id: 'org-list',
          name: 'other',
          initial_status: 'running',
          created_at: '2025-01-01T03:00:00.000Z',
        }),
        NOW.toISOString(),
        NOW,
      );
    });
    const all = await batches.listPage({ org_id: 'org-list', page: 1, page_size: 25 });
    expect(all.total).toBe(3);
    expect(all.rows.map((r) => r.batch_id)).toEqual(['list-c', 'list-b', 'list-a']);
    expect(
      (await batches.listPage({ org_id: 'org-list', page: 1, page_size: 25, search: '50%' })).rows.map(
        (r) => r.batch_id,
      ),
    ).toEqual(['list-a']);
    expect(
      (await batches.listPage({ org_id: 'org-list', page: 1, page_size: 25, status: ['running'] })).rows.map(
        (r) => r.batch_id,
      ),
    ).toEqual(['list-c']);
    expect(await batches.countByStatus('org-list')).toEqual(
      expect.arrayContaining([
        { status: 'scheduled', batches: 2, calls: 0 },
        { status: 'running', batches: 1, calls: 0 },
      ]),
    );
  });

  it('builds the SPEC §8 status view from the batch row', async () => {
    const view = await batches.statusView('b1', 'org-1', NOW);
    expect(view).toMatchObject({ batch_id: 'b1', status: 'running', errors: [] });
    expect(await batches.statusView('b1', 'org-2', NOW)).toBeNull();
  });
});
