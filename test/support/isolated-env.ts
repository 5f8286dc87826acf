import { randomBytes } from 'node:crypto';

import { Client } from 'pg';

/**
 * Each test run gets its own database and NATS prefix (streams, subjects, buckets), so runs never
 * collide with each other or with a platform started by `npm start` on the same machine.
 */
export interface IsolatedEnv {
  databaseUrl: string;
  natsUrl: string;
  prefix: string;
  /** The environment a service under test needs to use this run's database and prefix, quietly, on a free port. */
  serviceEnv(): Record<string, string>;
  /** Drops the database and the run's streams. */
  cleanup(): Promise<void>;
}

export const BASE_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const TEST_NATS_URL = process.env.TEST_NATS_URL ?? 'nats://127.0.0.1:4222';

export async function createIsolatedEnv(label: string): Promise<IsolatedEnv> {
  const id = `${label
    .replace(/[^a-z0-9]/gi, '')
    .toLowerCase()
    .slice(0, 12)}${randomBytes(4).toString('hex')}`;
  const dbName = `outdial_test_${id}`;
  const admin = new Client({ connectionString: BASE_DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  await admin.end();
  const url = new URL(BASE_DATABASE_URL);
  url.pathname = `/${dbName}`;
  const prefix = `t${id}`;
  return {
    databaseUrl: url.toString(),
    natsUrl: TEST_NATS_URL,
    prefix,
    serviceEnv() {
      return {
        DATABASE_URL: url.toString(),
        NATS_URL: TEST_NATS_URL,
        NATS_PREFIX: prefix,
        LOG_LEVEL: 'silent',
        HTTP_PORT: '0',
      };
    },
    async cleanup() {
      const client = new Client({ connectionString: BASE_DATABASE_URL });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      await client.end();
      await deleteStreams(prefix);
    },
  };
}

async function deleteStreams(prefix: string): Promise<void> {
  const { connect } = await import('@nats-io/transport-node');
  const { jetstreamManager } = await import('@nats-io/jetstream');
  const nc = await connect({ servers: TEST_NATS_URL });
  try {
    const jsm = await jetstreamManager(nc);
    const streamPrefix = `${prefix.toUpperCase().replace(/-/g, '_')}_`;
    const names: string[] = [];
    for await (const name of jsm.streams.names()) names.push(name);
    for (const name of names) {
      if (name.startsWith(streamPrefix) || name === `OBJ_${prefix.replace(/-/g, '_')}_uploads`) {
        await jsm.streams.delete(name).catch(() => undefined);
      }
    }
  } finally {
    await nc.close();
  }
}
