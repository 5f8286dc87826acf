import { createPool, Database, runMigrations } from '@outdial/service-runtime';

import { createIsolatedEnv, IsolatedEnv } from '../../../test/support/isolated-env';
import { GATEWAY_MIGRATIONS } from '../src/persistence/migrations';

/** A fresh database of its own with the gateway's schema migrated: what the repository specs run against. */
export interface GatewayTestDb {
  db: Database;
  env: IsolatedEnv;
  close(): Promise<void>;
}

export async function migratedGatewayDb(label: string): Promise<GatewayTestDb> {
  const env = await createIsolatedEnv(label);
  const db = new Database(createPool(env.databaseUrl, 4), 'gateway');
  await runMigrations(db, GATEWAY_MIGRATIONS);
  return {
    db,
    env,
    async close() {
      await db.close();
      await env.cleanup();
    },
  };
}

/** A repository call that must not get its lock within `ms` (PostgreSQL lock_timeout, 55P03). */
export async function lockTimesOut(
  db: Database,
  ms: number,
  fn: (client: import('pg').PoolClient) => Promise<unknown>,
): Promise<boolean> {
  try {
    await db.tx(async (client) => {
      await client.query(`SET LOCAL lock_timeout = '${ms}ms'`);
      await fn(client);
    });
    return false;
  } catch (error) {
    if ((error as { code?: string }).code === '55P03') return true;
    throw error;
  }
}

/** Holds a transaction open (with whatever `fn` locked) until `release` is called. */
export function holdTransaction(
  db: Database,
  fn: (client: import('pg').PoolClient) => Promise<unknown>,
): { ready: Promise<void>; release: () => void; done: Promise<void> } {
  let release!: () => void;
  let ready!: () => void;
  const readyPromise = new Promise<void>((r) => (ready = r));
  const released = new Promise<void>((r) => (release = r));
  const done = db.tx(async (client) => {
    await fn(client);
    ready();
    await released;
  });
  return { ready: readyPromise, release, done };
}
