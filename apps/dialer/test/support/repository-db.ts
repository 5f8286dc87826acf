import { createPool, Database, runMigrations } from '@outdial/service-runtime';

import { createIsolatedEnv, IsolatedEnv } from '../../../../test/support/isolated-env';
import { DIALER_MIGRATIONS } from '../../src/persistence/migrations';

/**
 * A fresh database with the dialer's migrations applied, for repository tests (no NATS, no Nest).
 * The schema is deliberately NOT `dialer`: a repository that wrote the schema name into its SQL
 * instead of taking it from `Database` fails here.
 */
export const REPOSITORY_TEST_SCHEMA = 'dialer_repo_test';

export interface RepositoryDb {
  env: IsolatedEnv;
  db: Database;
  /** `"<schema>".<table>`, for the assertions' own SQL. */
  table(name: string): string;
  close(): Promise<void>;
}

export async function openRepositoryDb(label: string): Promise<RepositoryDb> {
  const env = await createIsolatedEnv(label);
  const db = new Database(createPool(env.databaseUrl, 6), REPOSITORY_TEST_SCHEMA);
  await runMigrations(db, DIALER_MIGRATIONS);
  return {
    env,
    db,
    table: (name) => `"${REPOSITORY_TEST_SCHEMA}".${name}`,
    async close() {
      await db.close();
      await env.cleanup();
    },
  };
}
