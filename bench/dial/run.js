'use strict';
// Benchmark of the dialer's path: release (a dial request published, as the scheduler does) ->
// admission (one statement: the admit_attempt SQL function, issue 16) -> provider start (the simulated
// carrier places the call) with an instant simulated provider. Several orgs, 1 and 3 dialer
// replicas. Prints JSON lines: admissions/s in a burst, and admission / start latency p50/p99 in
// the burst and at a steady paced rate. Not a test; the machine's CPU is shared, so figures vary.
// Usage: node bench/dial/run.js [requests=3000] [orgs=4] [pacedPerSecond=100]
const { spawn } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const net = require('node:net');
const path = require('node:path');
const { Client } = require('pg');
const { deleteStreams } = require('../support/nats-cleanup');

const ROOT = path.resolve(__dirname, '..', '..');
const requests = Number(process.argv[2] || 3000);
const orgs = Number(process.argv[3] || 4);
const pacedPerSecond = Number(process.argv[4] || 100);
const NATS_URL = process.env.NATS_URL || 'nats://127.0.0.1:4222';
const BASE_DB = process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

const freePort = () =>
  new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

async function waitReady(url, child) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`dialer exited with ${child.exitCode}`);
    try {
      if ((await fetch(url)).status === 200) return;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`${url} not ready`);
}

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

async function run(replicas) {
  const id = randomBytes(4).toString('hex');
  const dbName = `outdial_bench_dial_${id}`;
  const prefix = `benchdial${id}`;
  const admin = new Client({ connectionString: BASE_DB });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  const dbUrl = new URL(BASE_DB);
  dbUrl.pathname = `/${dbName}`;
  const env = {
    ...process.env,
    DATABASE_URL: dbUrl.toString(),
    NATS_URL,
    NATS_PREFIX: prefix,
    LOG_LEVEL: 'error',
    SIM_TIME_SCALE: '0.0001',
    DIALER_ADMISSION_RETRY_MS: '20',
  };
  const children = [];
  const { connect } = await import('@nats-io/transport-node');
  const { jetstream } = await import('@nats-io/jetstream');
  const nc = await connect({ servers: NATS_URL });
  const db = new Client({ connectionString: dbUrl.toString() });
  try {
    for (let i = 0; i < replicas; i++) {
      const port = await freePort();
      const child = spawn(process.execPath, [path.join(ROOT, 'apps', 'dialer', 'dist', 'main.js')], {
        cwd: ROOT,
        env: { ...env, HTTP_PORT: String(port), REPLICA_ID: String(i) },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      children.push(child);
      await waitReady(`http://127.0.0.1:${port}/health/ready`, child);
    }
    await db.connect();
    const js = jetstream(nc);
    const subject = (s) => `${prefix}.${s}`;
    // Limits high enough not to bind: this measures the path, not the limits.
    for (let o = 0; o < orgs; o++) {
      const event = {
        event_id: `bench-org-${o}`,
        org_id: `org-${o}`,
        max_concurrent_calls: 100000,
        calls_per_second: 100000,
        compliance_guard: true,
        version: 1,
        at: new Date().toISOString(),
      };
      await js.publish(subject('v1.org.settings_changed'), JSON.stringify(event), { msgID: event.event_id });
    }
    while ((await db.query(`SELECT count(*)::int AS n FROM dialer.org_budgets`)).rows[0].n < orgs)
      await new Promise((r) => setTimeout(r, 50));

    const dialRequest = (phase, i) => {
      const contact = `${phase}-${i}`;
      return {
        event_id: `dial:${contact}:1`,
        org_id: `org-${i % orgs}`,
        attempt_id: `${contact}:1`,
        batch_id: `batch-${phase}-${i % orgs}`,
        contact_id: contact,
        attempt: 1,
        phone: `+1415${String(2000000 + i).padStart(7, '0')}`,
        from_number: '+12025550100',
        agent_id: 'agent-demo',
        provider: 'simulated',
        variables: { sim_outcomes: 'completed', sim_duration_seconds: '0' },
        timeout_seconds: 600,
        requested_at: new Date().toISOString(),
      };
    };
    const measure = async (phase, count) => {
      while (
        (
          await db.query(
            `SELECT count(*)::int AS n FROM dialer.attempts WHERE contact_id LIKE $1 AND started_at IS NOT NULL`,
            [`${phase}-%`],
          )
        ).rows[0].n < count
      ) {
        await new Promise((r) => setTimeout(r, 100));
      }
      const { rows } = await db.query(
        `SELECT extract(epoch FROM admitted_at - requested_at) * 1000 AS admit_ms, extract(epoch FROM started_at - requested_at) * 1000 AS start_ms,
                extract(epoch FROM requested_at) * 1000 AS req, extract(epoch FROM started_at) * 1000 AS started
           FROM dialer.attempts WHERE contact_id LIKE $1`,
        [`${phase}-%`],
      );
      const admit = rows.map((r) => Number(r.admit_ms)).sort((a, b) => a - b);
      const start = rows.map((r) => Number(r.start_ms)).sort((a, b) => a - b);
      const spanMs = Math.max(...rows.map((r) => Number(r.started))) - Math.min(...rows.map((r) => Number(r.req)));
      return {
        count: rows.length,
        per_second: Math.round((rows.length / spanMs) * 1000),
        admit_p50_ms: Math.round(quantile(admit, 0.5)),
        admit_p99_ms: Math.round(quantile(admit, 0.99)),
        start_p50_ms: Math.round(quantile(start, 0.5)),
        start_p99_ms: Math.round(quantile(start, 0.99)),
      };
    };

    // Burst: every request released at once; the dialers drain the queue as fast as they can.
    const burst = [];
    for (let i = 0; i < requests; i++)
      burst.push(
        js.publish(subject('v1.dial.requested'), JSON.stringify(dialRequest('burst', i)), { msgID: `burst-${i}` }),
      );
    await Promise.all(burst);
    const burstFigures = await measure('burst', requests);

    // Paced: a steady release rate well under capacity, for latencies without a backlog.
    const pacedCount = Math.min(requests, pacedPerSecond * 10);
    const t0 = Date.now();
    for (let i = 0; i < pacedCount; i++) {
      const due = t0 + (i * 1000) / pacedPerSecond;
      if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
      await js.publish(subject('v1.dial.requested'), JSON.stringify(dialRequest('paced', i)), { msgID: `paced-${i}` });
    }
    const pacedFigures = await measure('paced', pacedCount);
    console.log(
      JSON.stringify({
        bench: 'dial',
        replicas,
        orgs,
        burst: burstFigures,
        paced: { rate_per_second: pacedPerSecond, ...pacedFigures },
      }),
    );
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r() : c.once('exit', r)))));
    await db.end().catch(() => undefined);
    await nc.close();
    await deleteStreams(prefix);
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
  }
}

(async () => {
  for (const replicas of [1, 3]) await run(replicas);
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
