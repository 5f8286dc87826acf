import { AttemptsRepository, NewAttempt } from '../src/persistence/attempts.repository';
import { BatchStatesRepository } from '../src/persistence/batch-states.repository';
import { openRepositoryDb, RepositoryDb } from './support/repository-db';

/** BatchStatesRepository against the real PostgreSQL: the latest status wins, a deletion is final. */
describe('BatchStatesRepository', () => {
  let r: RepositoryDb;
  let batches: BatchStatesRepository;
  let attempts: AttemptsRepository;

  beforeAll(async () => {
    r = await openRepositoryDb('repobatches');
    batches = new BatchStatesRepository(r.db);
    attempts = new AttemptsRepository(r.db);
  });
  afterAll(async () => {
    await r?.close();
  });

  const t = (second: number) => new Date(Date.UTC(2026, 0, 1, 12, 0, second));
  const record = (batch_id: string, status: string, at: Date) =>
    r.db.tx((client) => batches.record(client, { batch_id, org_id: 'org-1', status, at }));
  const statusOf = async (batchId: string) =>
    (
      await r.db.query<{ status: string; changed_at: Date }>(
        `SELECT status, changed_at FROM ${batches.tableName} WHERE batch_id = $1`,
        [batchId],
      )
    )[0];

  it('records a batch status; a later one replaces it, an earlier one (another stream, out of order) does not', async () => {
    expect(await record('b1', 'running', t(10))).toBe(true);
    expect(await record('b1', 'paused', t(20))).toBe(true);
    expect(await record('b1', 'running', t(15))).toBe(false);
    expect(await statusOf('b1')).toEqual({ status: 'paused', changed_at: t(20) });
  });

  it('names its table from the Database schema', () => {
    expect(batches.tableName).toBe(r.table('batch_states'));
  });

  it('a deletion wins whatever its instant, and stays', async () => {
    await record('b2', 'running', t(30));
    expect(await record('b2', 'deleted', t(25))).toBe(true);
    expect(await record('b2', 'running', t(40))).toBe(false);
    expect(await record('b2', 'deleted', t(50))).toBe(false);
    expect((await statusOf('b2')).status).toBe('deleted');
  });

  it('purges the ended attempts of deleted batches only, once the batch is marked deleted', async () => {
    const attempt = (id: string, batch: string): NewAttempt => ({
      attempt_id: id,
      contact_id: id,
      attempt: 1,
      batch_id: batch,
      org_id: 'org-1',
      provider: 'simulated',
      requested_at: t(0),
      lease_expires_at: t(90),
      timeout_seconds: 60,
    });
    const ending = { outcome: 'completed' as const, ended_at: t(5), duration_seconds: 3 };
    await r.db.tx(async (client) => {
      await attempts.insertIfAbsent(client, attempt('gone-ended', 'b-del'), ending);
      await attempts.insertIfAbsent(client, attempt('gone-open', 'b-del'));
      await attempts.insertIfAbsent(client, attempt('kept-ended', 'b-live'), ending);
    });
    expect(await r.db.tx((client) => batches.purgeEndedAttemptsOfDeletedBatches(client, attempts.tableName))).toBe(0);
    await r.db.tx((client) => batches.markDeleted(client, 'b-del', t(60)));
    await r.db.tx((client) => batches.markDeleted(client, 'b-del', t(70))); // idempotent
    expect(await r.db.tx((client) => batches.purgeEndedAttemptsOfDeletedBatches(client, attempts.tableName))).toBe(1);
    const left = await r.db.query<{ attempt_id: string }>(
      `SELECT attempt_id FROM ${attempts.tableName} ORDER BY attempt_id`,
    );
    expect(left.map((row) => row.attempt_id)).toEqual(['gone-open', 'kept-ended']);
    expect(await r.db.query(`SELECT batch_id, deleted_at FROM ${r.table('deleted_batches')}`)).toEqual([
      { batch_id: 'b-del', deleted_at: t(60) },
    ]);

    // The deleted batch's slot counters go once no attempt of it is left; the org's stay.
    const counters = (scope: string, key: string) =>
      r.db.query<{ rows: number; open: number }>(
        `SELECT count(*)::int AS rows, coalesce(sum(open), 0)::int AS open FROM ${r.table('open_slots')}
          WHERE scope = $1 AND key = $2`,
        [scope, key],
      );
    const purgeCounters = () =>
      r.db.tx((client) => attempts.purgeSlotCountersOfDeletedBatches(client, batches.deletedTableName));
    expect((await counters('batch', 'b-del'))[0]).toEqual({ rows: 1, open: 1 }); // gone-open holds its slot
    expect(await purgeCounters()).toBe(0);
    await r.db.tx((client) => attempts.end(client, 'gone-open', ending));
    expect((await counters('batch', 'b-del'))[0]).toEqual({ rows: 2, open: 0 });
    expect(await purgeCounters()).toBe(0); // its ended attempt is still there
    expect(await r.db.tx((client) => batches.purgeEndedAttemptsOfDeletedBatches(client, attempts.tableName))).toBe(1);
    expect(await purgeCounters()).toBe(2);
    expect((await counters('batch', 'b-del'))[0]).toEqual({ rows: 0, open: 0 });
    expect((await counters('org', ''))[0]).toMatchObject({ open: 0 });
    expect((await counters('org', ''))[0].rows).toBeGreaterThan(0);
  });
});
