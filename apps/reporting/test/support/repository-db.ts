import type { BatchIngestedEvent } from '@outdial/contracts';
import { createPool, Database, runMigrations } from '@outdial/service-runtime';

import { createIsolatedEnv, IsolatedEnv } from '../../../../test/support/isolated-env';
import { migrations } from '../../src/persistence/migrations';

/**
 * A migrated database for repository tests, in a schema NOT called `reporting`: a repository that
 * wrote the schema name into its SQL instead of taking it from `Database` fails here.
 */
export async function repositoryDb(label: string): Promise<{ env: IsolatedEnv; db: Database; close(): Promise<void> }> {
  const env = await createIsolatedEnv(label);
  const db = new Database(createPool(env.databaseUrl, 4), 'rep_under_test');
  await runMigrations(db, migrations);
  return {
    env,
    db,
    async close() {
      await db.pool.end();
      await env.cleanup();
    },
  };
}

/** A batch as ingest announces it. */
export function batchIngested(batchId: string, over: Partial<BatchIngestedEvent> = {}): BatchIngestedEvent {
  return {
    event_id: `ev-${batchId}`,
    org_id: 'org-1',
    batch_id: batchId,
    name: `Batch ${batchId}`,
    agent_id: 'agent-1',
    provider: 'simulated',
    from_number: '+12025550100',
    initial_status: 'scheduled',
    settings: { concurrency: 2, max_attempts: 3 },
    total_contacts: 4,
    chunk_count: 1,
    variable_columns: ['plan'],
    validation: { total_rows: 4, valid_rows: 4, invalid_rows: 0, duplicate_rows: 0, empty_rows: 0, suppressed_rows: 0 },
    estimated_cost: 1.5,
    created_at: '2025-01-01T09:00:00.000Z',
    ...over,
  } as BatchIngestedEvent;
}
