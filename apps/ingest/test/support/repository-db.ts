import { BatchSettings, CreateBatchCommand } from '@outdial/contracts';
import { createPool, Database, runMigrations } from '@outdial/service-runtime';

import { createIsolatedEnv, IsolatedEnv } from '../../../../test/support/isolated-env';
import { BatchesRepository, NewBatch } from '../../src/persistence/batches.repository';
import { INGEST_MIGRATIONS } from '../../src/persistence/migrations';

/**
 * A migrated ingest schema in a database of its own, for repository specs. The schema is NOT named
 * `ingest`, so a repository that wrote the schema name into its SQL would fail these specs.
 */
export interface RepositoryDb {
  db: Database;
  close(): Promise<void>;
}

export const TEST_SCHEMA = 'ingest_repo_test';

export async function openRepositoryDb(label: string): Promise<RepositoryDb> {
  const env: IsolatedEnv = await createIsolatedEnv(label);
  const db = new Database(createPool(env.databaseUrl, 4), TEST_SCHEMA);
  await runMigrations(db, INGEST_MIGRATIONS);
  return {
    db,
    async close() {
      await db.close();
      await env.cleanup();
    },
  };
}

/** A create command as the gateway sends it (the upload is not read by repositories). */
export function batchCommand(
  batchId: string,
  orgId = 'org-a',
  over: Partial<CreateBatchCommand> = {},
): CreateBatchCommand {
  return {
    org_id: orgId,
    batch_id: batchId,
    upload: { object_name: `upload-${batchId}`, filename: 'contacts.csv', content_type: 'text/csv', size: 100 },
    name: `batch ${batchId}`,
    agent_id: 'agent-demo',
    provider: 'simulated',
    from_number: '+12025550100',
    initial_status: 'running',
    settings: { default_region: 'US', invalid_phone_handling: 'skip', concurrency: 5 } as BatchSettings,
    ...over,
  };
}

/** Stores a batch row (in a transaction of its own). */
export async function insertBatch(
  db: Database,
  command: CreateBatchCommand,
  over: Partial<NewBatch> = {},
): Promise<NewBatch> {
  const batch: NewBatch = {
    command,
    variableColumns: ['note'],
    validation: { total_rows: 3, valid_rows: 2, invalid_rows: 1, duplicate_rows: 0, empty_rows: 0, suppressed_rows: 0 },
    totalContacts: 3,
    dialableContacts: 2,
    estimatedCost: 0.54,
    createdAt: new Date('2026-01-02T03:04:05.678Z'),
    chunkEnds: [2, 3],
    ...over,
  };
  await db.tx((client) => new BatchesRepository(db).insert(client, batch));
  return batch;
}
