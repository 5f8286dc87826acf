import { BatchIngestedEvent, BatchSettings, ContactRecord, ContactsChunkEvent } from '@outdial/contracts';
import { createPool, Database, runMigrations } from '@outdial/service-runtime';

import { createIsolatedEnv, IsolatedEnv } from '../../../../test/support/isolated-env';
import { SCHEDULER_MIGRATIONS } from '../../src/persistence/migrations';

/**
 * A migrated scheduler schema in a database of its own. The schema is deliberately NOT named
 * `scheduler`: a repository that wrote the schema name into its SQL would fail these tests.
 */
export interface SchedulerDatabase {
  db: Database;
  env: IsolatedEnv;
  cleanup(): Promise<void>;
}

export async function createSchedulerDatabase(label: string, schema = 'sched_it'): Promise<SchedulerDatabase> {
  const env = await createIsolatedEnv(label);
  const db = new Database(createPool(env.databaseUrl, 8), schema);
  await runMigrations(db, SCHEDULER_MIGRATIONS);
  return {
    db,
    env,
    async cleanup() {
      await db.close();
      await env.cleanup();
    },
  };
}

/** Batch settings as ingest sends them: windows lifted (no dependence on the hour the test runs at) unless overridden. */
export function batchSettings(overrides: Partial<BatchSettings> = {}): BatchSettings {
  return {
    ...new BatchSettings(),
    bypass_call_guardrails: true,
    ...overrides,
  } as BatchSettings;
}

let eventCounter = 0;

/** A `v1.ingest.batch_ingested` event of `total` contacts. */
export function batchIngested(
  batchId: string,
  total: number,
  overrides: Partial<BatchIngestedEvent> = {},
  settings: Partial<BatchSettings> = {},
): BatchIngestedEvent {
  return {
    event_id: `batch-ingested:${batchId}:${++eventCounter}`,
    org_id: 'org-1',
    batch_id: batchId,
    name: batchId,
    agent_id: 'agent-1',
    provider: 'simulated',
    from_number: '+12025550100',
    initial_status: 'running',
    settings: batchSettings(settings),
    total_contacts: total,
    chunk_count: 1,
    variable_columns: [],
    validation: {
      total_rows: total,
      valid_rows: total,
      invalid_rows: 0,
      duplicate_rows: 0,
      empty_rows: 0,
      suppressed_rows: 0,
    },
    estimated_cost: 0,
    created_at: new Date().toISOString(),
    ...overrides,
  };
}

/** A contact of `batchId`, row `row`, with a US number. */
export function contact(batchId: string, row: number, overrides: Partial<ContactRecord> = {}): ContactRecord {
  return {
    contact_id: `${batchId}-c${row}`,
    row,
    phone: `+1415555${String(1000 + row).padStart(4, '0')}`,
    priority: 0,
    variables: { row: String(row) },
    status: 'pending',
    ...overrides,
  };
}

/** One `v1.ingest.contacts_chunk` carrying `contacts`. */
export function contactsChunk(batchId: string, contacts: ContactRecord[], index = 0, count = 1): ContactsChunkEvent {
  return {
    event_id: `chunk:${batchId}:${index}`,
    org_id: 'org-1',
    batch_id: batchId,
    chunk_index: index,
    chunk_count: count,
    contacts,
  };
}
