import { createPool, Database, runMigrations } from '@outdial/service-runtime';

import { createIsolatedEnv, IsolatedEnv } from '../../../test/support/isolated-env';
import { BatchReadModelRepository } from '../src/persistence/batch-read-model.repository';
import { migrations } from '../src/persistence/migrations';

/** The "stuck batch" count behind `outdial_batches_stalled`, against the real read-model tables. */
describe('BatchReadModelRepository.countStalled (PostgreSQL)', () => {
  let env: IsolatedEnv;
  let db: Database;

  beforeAll(async () => {
    env = await createIsolatedEnv('stalled');
    db = new Database(createPool(env.databaseUrl, 2), 'reporting');
    await runMigrations(db, migrations);
  });

  afterAll(async () => {
    await db?.pool.end();
    await env?.cleanup();
  });

  async function batch(
    id: string,
    status: string,
    statusAgoMinutes: number,
    waiting: number,
    lastCallAgoMinutes?: number,
  ): Promise<void> {
    await db.query(
      `INSERT INTO reporting.batches (batch_id, org_id, name, status, status_at, agent_id, from_number, concurrency, max_attempts, total_calls, created_at, updated_at)
       VALUES ($1, 'org-1', $1, $2, now() - make_interval(mins => $3), 'agent', '+12025550100', 1, 1, 10, now() - interval '2 hours', now())`,
      [id, status, statusAgoMinutes],
    );
    await db.query(
      `INSERT INTO reporting.contact_status_counts (batch_id, status, count) VALUES ($1, 'pending', $2), ($1, 'completed', 3)`,
      [id, waiting],
    );
    if (lastCallAgoMinutes !== undefined) {
      await db.query(
        `INSERT INTO reporting.attempts (attempt_id, batch_id, contact_id, org_id, attempt, provider, status, started_at)
         VALUES ($1 || '-a', $1, $1 || '-c', 'org-1', 1, 'simulated', 'ended', now() - make_interval(mins => $2))`,
        [id, lastCallAgoMinutes],
      );
    }
  }

  it('counts running batches with waiting contacts and no call started for 10 minutes, and only those', async () => {
    const batches = new BatchReadModelRepository(db);
    await batch('never-called', 'running', 20, 5);
    await batch('called-long-ago', 'running', 60, 5, 30);
    await batch('called-recently', 'running', 60, 5, 2);
    await batch('just-started', 'running', 3, 5);
    await batch('nothing-waiting', 'running', 60, 0, 30);
    await batch('paused', 'paused', 60, 5, 30);
    expect(await batches.countStalled(600)).toBe(2);
    // At the edge: 30 minutes idle is stalled at a 29-minute threshold, not at 31.
    expect(await batches.countStalled(29 * 60)).toBe(1);
    expect(await batches.countStalled(31 * 60)).toBe(0);
  });
});
