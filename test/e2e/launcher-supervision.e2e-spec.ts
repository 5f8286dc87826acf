import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

import { Client } from 'pg';

import { createIsolatedEnv, IsolatedEnv } from '../support/isolated-env';

/**
 * `npm start`'s launcher supervises: a service process killed with SIGKILL mid-batch comes back on
 * its own while the API keeps answering, and the batch completes without dialing any (contact,
 * attempt) twice. Runs `scripts/start-platform.js` itself, the entry point `npm start` runs after
 * its build, on ports after a free GATEWAY_PORT.
 */
const ROOT = path.resolve(__dirname, '..', '..');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('npm start supervises its processes', () => {
  let env: IsolatedEnv;
  let launcher: ChildProcess;
  let output = '';
  let db: Client;
  const token = `od_test_supervise_${Date.now()}`;
  const gatewayPort = 21000 + Math.floor(Math.random() * 20000);
  const base = `http://127.0.0.1:${gatewayPort}`;

  const api = async (route: string, init: RequestInit = {}) => {
    const response = await fetch(`${base}${route}`, {
      ...init,
      headers: { Authorization: `Bearer ${token}`, ...(init.headers as Record<string, string>) },
    });
    return { status: response.status, body: (await response.json().catch(() => undefined)) as any };
  };
  const pidOf = (name: string): number => {
    const matches = [...output.matchAll(new RegExp(`^\\s+${name}\\s.*\\(pid (\\d+)\\)`, 'gm'))];
    if (matches.length === 0) throw new Error(`no pid for ${name} in:\n${output}`);
    return Number(matches[matches.length - 1][1]);
  };
  const waitFor = async (what: string, probe: () => boolean | Promise<boolean>, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (await probe()) return;
      await sleep(100);
    }
    throw new Error(`timed out waiting for ${what}\n${output.slice(-4000)}`);
  };

  beforeAll(async () => {
    env = await createIsolatedEnv('supervise');
    launcher = spawn(process.execPath, [path.join(ROOT, 'scripts', 'start-platform.js')], {
      cwd: ROOT,
      env: {
        ...process.env,
        DATABASE_URL: env.databaseUrl,
        NATS_URL: env.natsUrl,
        NATS_PREFIX: env.prefix,
        GATEWAY_PORT: String(gatewayPort),
        DIALER_REPLICAS: '2',
        SCHEDULER_REPLICAS: '2',
        OUTDIAL_BOOTSTRAP_TOKEN: token,
        SIM_TIME_SCALE: '0.05',
        DIALER_LEASE_GRACE_SECONDS: '2',
        DIALER_REAPER_INTERVAL_MS: '200',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    launcher.stdout!.on('data', (chunk) => (output += chunk.toString()));
    launcher.stderr!.on('data', (chunk) => (output += chunk.toString()));
    await waitFor('Outdial is running', () => output.includes('Outdial is running'), 120_000);
    db = new Client({ connectionString: env.databaseUrl });
    await db.connect();
    const limits = await api('/api/org', {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ max_concurrent_calls: 10, calls_per_second: 20 }),
    });
    expect(limits.status).toBe(200);
  }, 180_000);

  afterAll(async () => {
    await db?.end().catch(() => undefined);
    if (launcher && launcher.exitCode === null) {
      await new Promise((resolve) => {
        launcher.once('exit', resolve);
        launcher.kill('SIGINT');
      });
    }
    await env?.cleanup();
  });

  it('kill -9 of a dialer replica and of a scheduler replica mid-batch (2 of each): API answers, both come back, the batch completes, nothing dialed twice', async () => {
    const lines = ['phone,name,sim_outcomes,sim_duration_seconds'];
    for (let i = 0; i < 80; i++) lines.push(`+1415558${String(i).padStart(4, '0')},Contact ${i},completed,20`);
    const form = new FormData();
    form.append('file', new Blob([lines.join('\n') + '\n'], { type: 'text/csv' }), 'contacts.csv');
    for (const [k, v] of Object.entries({
      agent_id: 'agent-demo',
      concurrency: '8',
      max_attempts: '1',
      bypass_call_guardrails: 'true',
      timeout_per_call_seconds: '15',
    }))
      form.append(k, v);
    const created = await api('/api/batch-calls', { method: 'POST', body: form });
    expect(created.status).toBe(201);
    const batchId = created.body.batch_id;
    await waitFor(
      'calls in progress',
      async () =>
        (await db.query(`SELECT count(*)::int AS n FROM dialer.attempts WHERE batch_id = $1`, [batchId])).rows[0].n >=
        10,
      60_000,
    );

    const dialerPid = pidOf('dialer-0');
    const schedulerPid = pidOf('scheduler-0');
    process.kill(dialerPid, 'SIGKILL');
    process.kill(schedulerPid, 'SIGKILL');
    const killedAt = Date.now();

    // The API keeps answering while they are down.
    const during = await api(`/api/batch-calls/${batchId}`);
    expect(during.status).toBe(200);
    expect(launcher.exitCode).toBeNull();

    await waitFor('dialer-0 back', () => /dialer-0 is back \(pid \d+/.test(output), 30_000);
    await waitFor('scheduler-0 back', () => /scheduler-0 is back \(pid \d+/.test(output), 30_000);
    const backWithinMs = Date.now() - killedAt;
    expect(output).toMatch(/dialer-0 exited \(SIGKILL\); restarting in/);
    const newDialerPid = Number(/dialer-0 is back \(pid (\d+)/.exec(output)![1]);
    expect(newDialerPid).not.toBe(dialerPid);
    expect(() => process.kill(newDialerPid, 0)).not.toThrow();
    expect(backWithinMs).toBeLessThan(30_000);

    await waitFor(
      'batch completed',
      async () => (await api(`/api/batch-calls/${batchId}`)).body?.status === 'completed',
      150_000,
    );
    const dialedTwice = await db.query(
      `SELECT attempt_id FROM dialer.sim_calls GROUP BY attempt_id HAVING count(*) > 1`,
    );
    expect(dialedTwice.rows).toEqual([]);
    const attempts = await db.query(`SELECT contact_id, attempt FROM dialer.attempts WHERE batch_id = $1`, [batchId]);
    const keys = attempts.rows.map((r) => `${r.contact_id}:${r.attempt}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(launcher.exitCode).toBeNull();

    console.log(`supervision: both processes back within ${backWithinMs} ms of the kill`);
  }, 240_000);
});
