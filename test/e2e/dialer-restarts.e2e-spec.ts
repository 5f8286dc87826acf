import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Client } from 'pg';

import type { RunningPlatform } from '../support/platform';
// The support modules read TEST_DATABASE_URL / TEST_NATS_URL when they load: both are imported
// dynamically, after this test pointed those at its own servers.
type Helpers = typeof import('./dialer-e2e-helpers');

/**
 * NATS restarted mid-batch, then PostgreSQL restarted mid-batch: the batches complete, every
 * contact final, nothing dialed twice. The shared servers of the machine are never touched: this
 * test runs its OWN nats-server and its OWN PostgreSQL cluster (tmp dirs, free ports) and restarts those.
 */
const PG_BIN = (() => {
  const base = '/usr/lib/postgresql';
  const version = readdirSync(base).sort().pop();
  return join(base, version!, 'bin');
})();

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs a PostgreSQL binary as the postgres user (initdb refuses root). */
function asPostgres(binary: string, args: string[]): void {
  const command = [join(PG_BIN, binary), ...args];
  if (process.getuid?.() === 0) execFileSync('runuser', ['-u', 'postgres', '--', ...command], { stdio: 'pipe' });
  else execFileSync(command[0], command.slice(1), { stdio: 'pipe' });
}

class OwnPostgres {
  readonly dir = mkdtempSync(join(tmpdir(), 'outdial-pg-'));
  port = 0;

  async start(): Promise<void> {
    this.port = await freePort();
    chmodSync(this.dir, 0o777);
    if (process.getuid?.() === 0) execFileSync('chown', ['postgres:postgres', this.dir]);
    asPostgres('initdb', ['-D', join(this.dir, 'data'), '-U', 'postgres', '--auth=trust', '-E', 'UTF8']);
    this.up();
  }

  private up(): void {
    asPostgres('pg_ctl', [
      '-D',
      join(this.dir, 'data'),
      '-w',
      '-l',
      join(this.dir, 'log'),
      '-o',
      `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off`,
      'start',
    ]);
  }

  restart(): void {
    asPostgres('pg_ctl', ['-D', join(this.dir, 'data'), '-w', '-m', 'fast', 'stop']);
    this.up();
  }

  stop(): void {
    try {
      asPostgres('pg_ctl', ['-D', join(this.dir, 'data'), '-w', '-m', 'immediate', 'stop']);
    } catch {
      /* already down */
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }
}

class OwnNats {
  readonly dir = mkdtempSync(join(tmpdir(), 'outdial-nats-'));
  port = 0;
  private child?: ChildProcess;

  async start(): Promise<void> {
    if (!this.port) this.port = await freePort();
    this.child = spawn('nats-server', ['-js', '-sd', this.dir, '-p', String(this.port), '-a', '127.0.0.1'], {
      stdio: 'ignore',
    });
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      const up = await new Promise<boolean>((resolve) => {
        const socket = connect(this.port, '127.0.0.1');
        socket.once('connect', () => (socket.destroy(), resolve(true)));
        socket.once('error', () => resolve(false));
      });
      if (up) return;
      await sleep(100);
    }
    throw new Error('own nats-server did not start');
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    await new Promise((resolve) => {
      child.once('exit', resolve);
      child.kill('SIGTERM');
    });
  }

  async restart(): Promise<void> {
    await this.stop();
    await sleep(500);
    await this.start();
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }
}

function csv(offset: number, count: number): string {
  const lines = ['phone,name,sim_outcomes,sim_duration_seconds'];
  for (let i = 0; i < count; i++) lines.push(`+1415557${String(offset + i).padStart(4, '0')},Contact ${i},completed,3`);
  return lines.join('\n') + '\n';
}

describe('dialer through NATS and PostgreSQL restarts (own servers)', () => {
  const pg = new OwnPostgres();
  const nats = new OwnNats();
  let platform: RunningPlatform;
  let helpers: typeof import('../support/platform');
  let setOrgLimits: Helpers['setOrgLimits'];
  let db: Client;

  beforeAll(async () => {
    await pg.start();
    await nats.start();
    // Read when the support module loads: point the isolated env at the test's own servers.
    process.env.TEST_DATABASE_URL = pg.url;
    process.env.TEST_NATS_URL = nats.url;
    helpers = await import('../support/platform');
    ({ setOrgLimits } = await import('./dialer-e2e-helpers'));
    expect(helpers.startPlatform).toBeDefined();
    platform = await helpers.startPlatform('drestart', {
      dialerReplicas: 2,
      env: {
        SIM_TIME_SCALE: '0.1',
        DIALER_LEASE_GRACE_SECONDS: '2',
        DIALER_REAPER_INTERVAL_MS: '200',
        DIALER_ADMISSION_RETRY_MS: '100',
      },
    });
    // The test's own connections die with the PostgreSQL restart: that must not crash the test.
    platform.db.on('error', () => undefined);
    db = new Client({ connectionString: platform.env.databaseUrl });
    db.on('error', () => undefined);
    await db.connect();
  }, 240_000);

  afterAll(async () => {
    await db?.end().catch(() => undefined);
    await platform?.stop().catch(() => undefined);
    await nats.stop();
    pg.stop();
  });

  /** A fresh connection per check: the test's own connection dies with a PostgreSQL restart too. */
  async function q<T = any>(sql: string): Promise<T[]> {
    const client = new Client({ connectionString: platform.env.databaseUrl });
    client.on('error', () => undefined);
    await client.connect();
    try {
      return (await client.query(sql)).rows as T[];
    } finally {
      await client.end();
    }
  }

  async function runThrough(label: string, offset: number, restart: () => Promise<void> | void): Promise<void> {
    const created = await helpers.uploadCsv(platform, csv(offset, 150), {
      agent_id: 'agent-demo',
      concurrency: '10',
      max_attempts: '1',
      timeout_per_call_seconds: '10',
      name: label,
    });
    expect(created.status).toBe(201);
    const batchId = created.body.batch_id;
    const deadline = Date.now() + 60_000;
    while (
      (await q<{ n: number }>(`SELECT count(*)::int AS n FROM dialer.attempts WHERE batch_id = '${batchId}'`))[0].n < 40
    ) {
      if (Date.now() > deadline) throw new Error(`${label}: batch never got going`);
      await sleep(50);
    }
    await restart();
    const restartedAt = Date.now();
    const done = await helpers.waitForBatch(platform, batchId, 'completed', 180_000);
    expect(done.total_calls).toBe(150);
    const attempts = await q<{ status: string; contact_id: string }>(
      `SELECT status, contact_id FROM dialer.attempts WHERE batch_id = '${batchId}'`,
    );
    expect(attempts).toHaveLength(150);
    expect(new Set(attempts.map((a) => a.contact_id)).size).toBe(150);
    expect(attempts.every((a) => a.status === 'ended')).toBe(true);
    expect(await q(`SELECT attempt_id FROM dialer.sim_calls GROUP BY attempt_id HAVING count(*) > 1`)).toEqual([]);
    expect(await q(`SELECT to_phone FROM dialer.sim_calls GROUP BY to_phone HAVING count(*) > 1`)).toEqual([]);
    const contacts = await q<{ status: string; n: number }>(
      `SELECT status, count(*)::int AS n FROM scheduler.contacts WHERE batch_id = '${batchId}' GROUP BY status`,
    );

    const outcomes = await q(
      `SELECT outcome, count(*)::int AS n FROM dialer.attempts WHERE batch_id = '${batchId}' GROUP BY outcome`,
    );
    console.log(
      `${label}: completed ${Date.now() - restartedAt} ms after the restart; scheduler contact statuses ${JSON.stringify(contacts)}; attempt outcomes ${JSON.stringify(outcomes)}`,
    );
    expect(contacts.every((c) => !['pending', 'queued', 'dialing', 'in_progress'].includes(c.status))).toBe(true);
  }

  it('NATS restarted mid-batch: completes, every contact final, nothing dialed twice', async () => {
    await setOrgLimits({ ...platform, db } as RunningPlatform, { max_concurrent_calls: 10, calls_per_second: 50 });
    await runThrough('nats restart', 0, () => nats.restart());
  });

  // Every service must survive PostgreSQL going away under a checked-out client (Database.tx listens for 'error').
  it('PostgreSQL restarted mid-batch: completes, every contact final, nothing dialed twice', async () => {
    await runThrough('postgres restart', 1000, () => pg.restart());
  });
});
