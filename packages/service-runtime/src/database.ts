import { Pool, PoolClient, QueryResultRow, types } from 'pg';

// int8 (COUNT, SUM, bigserial) as numbers: every value Outdial counts fits in 2^53.
types.setTypeParser(20, (value) => Number(value));
// numeric (costs) as numbers.
types.setTypeParser(1700, (value) => Number(value));

export type SqlClient = Pick<PoolClient, 'query'>;

/** A service's PostgreSQL access: one pool, one schema the service owns. */
export class Database {
  constructor(
    readonly pool: Pool,
    readonly schema: string,
  ) {}

  async query<R extends QueryResultRow = QueryResultRow>(sql: string, params: unknown[] = []): Promise<R[]> {
    const result = await this.pool.query<R>(sql, params);
    return result.rows;
  }

  /** Runs `fn` in one transaction; rolls back on any error. */
  async tx<T>(fn: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    // A checked-out client has no pool listener: without this, PostgreSQL going away while the
    // transaction waits on something else (e.g. a NATS publish) is an unhandled 'error' event
    // that kills the process. The failure then surfaces as the next query's rejection instead.
    let broken: Error | undefined;
    const onError = (error: Error) => {
      broken = error;
    };
    client.on('error', onError);
    try {
      await client.query('BEGIN');
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.off('error', onError);
      // A broken connection is destroyed rather than returned to the pool.
      client.release(broken);
    }
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/**
 * A pg pool of at most `max` connections. `applicationName` (e.g. `dialer-1`) is set as the
 * backends' `application_name`, so `pg_stat_activity` and the PostgreSQL log name the service and
 * replica holding a connection (and `bench/scale` charges PostgreSQL CPU to it).
 */
export function createPool(databaseUrl: string, max = 10, applicationName?: string): Pool {
  const pool = new Pool({
    connectionString: databaseUrl,
    max,
    ...(applicationName ? { application_name: applicationName.slice(0, 63) } : {}),
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 10_000,
  });
  // An idle client's error (e.g. PostgreSQL restarted) must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  return pool;
}

/** Creates the database named in the URL if it does not exist (safe when several processes race). */
export async function ensureDatabaseExists(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.replace(/^\//, '')) || 'postgres';
  const adminUrl = new URL(databaseUrl);
  adminUrl.pathname = '/postgres';
  const pool = new Pool({ connectionString: adminUrl.toString(), max: 1 });
  try {
    const found = await pool.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) {
      try {
        await pool.query(`CREATE DATABASE ${quoteIdent(name)}`);
      } catch (error) {
        // 42P04 duplicate_database, 23505 unique_violation: another process created it first.
        const code = (error as { code?: string }).code;
        if (code !== '42P04' && code !== '23505') throw error;
      }
    }
  } finally {
    await pool.end();
  }
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export interface Migration {
  /** Sortable, unique within the schema, e.g. `001_batches`. */
  id: string;
  /** `{schema}` is replaced by the service's schema name. */
  sql: string;
}

/** Tables every service schema gets from the runtime itself. */
export const RUNTIME_MIGRATIONS: Migration[] = [
  {
    id: '000_runtime_outbox',
    sql: `
      CREATE TABLE {schema}.outbox (
        id bigserial PRIMARY KEY,
        subject text NOT NULL,
        payload jsonb NOT NULL,
        msg_id text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );`,
  },
];

/**
 * Applies the schema's missing migrations in order, each in its own transaction, under an
 * advisory lock so that replicas starting together do not race.
 */
export async function runMigrations(db: Database, migrations: Migration[]): Promise<string[]> {
  const schema = quoteIdent(db.schema);
  const all = [...RUNTIME_MIGRATIONS, ...migrations].sort((a, b) => a.id.localeCompare(b.id));
  const client = await db.pool.connect();
  const applied: string[] = [];
  try {
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [`outdial-migrations:${db.schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${schema}.schema_migrations (id text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const done = new Set(
      (await client.query<{ id: string }>(`SELECT id FROM ${schema}.schema_migrations`)).rows.map((r) => r.id),
    );
    for (const migration of all) {
      if (done.has(migration.id)) continue;
      await client.query('BEGIN');
      try {
        await client.query(migration.sql.replace(/\{schema\}/g, schema));
        await client.query(`INSERT INTO ${schema}.schema_migrations (id) VALUES ($1)`, [migration.id]);
        await client.query('COMMIT');
        applied.push(migration.id);
      } catch (error) {
        await client.query('ROLLBACK');
        throw new Error(`migration ${db.schema}/${migration.id} failed: ${(error as Error).message}`);
      }
    }
  } finally {
    await client
      .query('SELECT pg_advisory_unlock(hashtext($1))', [`outdial-migrations:${db.schema}`])
      .catch(() => undefined);
    client.release();
  }
  return applied;
}
