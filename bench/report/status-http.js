'use strict';
// Benchmark (issue 16): GET /api/batch-calls/{id} end to end (HTTP, auth, the per-token rate-limit
// row in PostgreSQL, NATS RPC to reporting, its one statement, back) on a batch created through the
// REAL import (POST /api/batch-calls with a CSV), not a seeded read model. Target: p99 <= 20 ms at 10
// connections over a 1,000,000-contact batch.
// Phases, each autocannon with `connections` connections for `seconds` s, each printed as one JSON
// line (latency p50/p90/p99/max in ms, req/s, non-2xx, the 1-minute load average before and after):
//   scheduled   the batch sits still (scheduled_start_time in the future), nothing failed yet
//   running     rescheduled to start a few seconds later: measured while it dials (every 4th contact's
//               simulated call ends `no_answer`, so failures accumulate while the bench reads)
//   paused      paused after that run, with >= 100 failed contacts: the view lists its 100 errors
// The rate limiter stays on (its UPDATE is part of every request) with a bucket large enough that
// the bench measures latency, not refusals; BENCH_RATE_LIMIT=0 turns it off to see its share.
// Not a test; the machine is shared, so figures vary run to run: the load average is printed with
// them. Drops its database and streams afterwards.
// Usage: node bench/report/status-http.js [contacts=1000000] [seconds=20] [connections=10]
// Profiles: SERVICE_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" writes every service's CPU
// profile on exit (the launcher passes it on).
const fs = require('node:fs');
const { randomBytes } = require('node:crypto');
const { execFileSync } = require('node:child_process');
const { Client } = require('pg');
const autocannon = require('autocannon');
const { launchPlatform, bootstrapDefaultOrg } = require('../../scripts/platform-launcher');
const { deleteStreams } = require('../support/nats-cleanup');

const contacts = Number(process.argv[2] || 1_000_000);
const seconds = Number(process.argv[3] || 20);
const connections = Number(process.argv[4] || 10);
const BASE_DB = process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const TARGET_P99_MS = 20;

const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

/** CPU seconds (user+system) of one process, from /proc/<pid>/stat; 0 when it is gone. */
function cpuOf(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const [utime, stime] = stat
      .slice(stat.lastIndexOf(')') + 2)
      .split(' ')
      .slice(11, 13)
      .map(Number);
    return (utime + stime) / CLK_TCK;
  } catch {
    return 0;
  }
}

/** CPU seconds of every live process named `comm`. */
function cpuOfAll(comm) {
  let total = 0;
  for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      if (fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === comm) total += cpuOf(pid);
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

/**
 * CPU seconds so far of gateway, reporting, nats-server (shared: other runs' traffic is in it) and
 * this process (autocannon), and per PostgreSQL backend serving this bench's database (pid ->
 * seconds; other helpers' databases are not counted).
 */
async function cpuSnapshot(platform, db, dbName) {
  const { rows } = await db.query(`SELECT array_agg(pid) AS pids FROM pg_stat_activity WHERE datname = $1`, [dbName]);
  const pg = new Map((rows[0].pids ?? []).map((pid) => [pid, cpuOf(pid)]));
  const byService = Object.fromEntries(
    platform.processes
      .filter((p) => ['gateway', 'reporting'].includes(p.service))
      .map((p) => [p.service, cpuOf(p.child.pid)]),
  );
  return { ...byService, postgresql: pg, nats: cpuOfAll('nats-server'), bench: cpuOf(process.pid) };
}

const loadavg = () => fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function cannon(url, token) {
  return new Promise((resolve, reject) => {
    autocannon(
      { url, connections, duration: seconds, headers: { Authorization: `Bearer ${token}` } },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });
}

/** pg_stat_statements (asked in the base database, where the extension is) of this bench's database (calls, ms) by query text; empty when the extension is not there. */
async function statementStats(db, dbName) {
  try {
    const { rows } = await db.query(
      `SELECT query, calls::float8 AS calls, total_exec_time AS ms FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = $1`,
      [dbName],
    );
    return new Map(rows.map((r) => [r.query, r]));
  } catch {
    return new Map();
  }
}

/** The statements run during a phase: calls and mean execution ms, per request, the busiest first. */
function statementDiff(before, after, requests) {
  const out = [];
  for (const [query, a] of after) {
    const b = before.get(query) ?? { calls: 0, ms: 0 };
    const calls = a.calls - b.calls;
    if (calls < requests / 10) continue;
    out.push({
      query: query.replace(/\s+/g, ' ').slice(0, 100),
      calls_per_request: Math.round((calls / requests) * 100) / 100,
      mean_ms: Math.round(((a.ms - b.ms) / calls) * 1000) / 1000,
    });
  }
  return out.sort((x, y) => y.calls_per_request * y.mean_ms - x.calls_per_request * x.mean_ms).slice(0, 6);
}

/** One phase: the status before, autocannon, and what it measured. */
async function measure(phase, url, token, headers, { platform, db, admin, dbName }) {
  const before = await (await fetch(url, { headers })).json();
  const load1 = loadavg();
  const t0 = Date.now();
  const statements0 = process.env.BENCH_PG_STATEMENTS ? await statementStats(admin, dbName) : undefined;
  const cpu0 = await cpuSnapshot(platform, db, dbName);
  const result = await cannon(url, token);
  const cpu1 = await cpuSnapshot(platform, db, dbName);
  const requests = result.requests.total || 1;
  // CPU ms per request (the whole machine's other work - other helpers, the batch's own dialing in
  // `running` - is in PostgreSQL's and NATS's figures too): comparable across runs where latency is not.
  // PostgreSQL: per backend, over the backends alive at the end (one started meanwhile counts whole;
  // one that exited meanwhile, e.g. a pool's idle timeout, is lost).
  const used = { ...cpu1, postgresql: 0 };
  for (const [pid, seconds] of cpu1.postgresql) used.postgresql += seconds - (cpu0.postgresql.get(pid) ?? 0);
  const cpuMsPerRequest = Object.fromEntries(
    Object.keys(used).map((k) => [
      k,
      Math.round(((used[k] - (k === 'postgresql' ? 0 : cpu0[k])) / requests) * 1000 * 1000) / 1000,
    ]),
  );
  const after = await (await fetch(url, { headers })).json();
  const line = {
    bench: 'report-status-http',
    phase,
    contacts,
    connections,
    seconds: Math.round((Date.now() - t0) / 100) / 10,
    status: after.status,
    failed: after.failed,
    errors_listed: after.errors.length,
    completed_during: after.completed - before.completed,
    p50_ms: result.latency.p50,
    p90_ms: result.latency.p90,
    p99_ms: result.latency.p99,
    max_ms: result.latency.max,
    rps: Math.round(result.requests.average),
    cpu_ms_per_request: cpuMsPerRequest,
    ...(statements0 && { pg_statements: statementDiff(statements0, await statementStats(admin, dbName), requests) }),
    non_2xx: result.non2xx + result.errors + result.timeouts,
    load_avg_before: load1,
    load_avg_after: loadavg(),
    target_p99_ms: TARGET_P99_MS,
    target_met: result.latency.p99 <= TARGET_P99_MS,
  };
  console.log(JSON.stringify(line));
  return line;
}

async function main() {
  const id = randomBytes(4).toString('hex');
  const dbName = `outdial_bench_statushttp_${id}`;
  const admin = new Client({ connectionString: BASE_DB });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  const url = new URL(BASE_DB);
  url.pathname = `/${dbName}`;
  const rate = process.env.BENCH_RATE_LIMIT ?? '1000000';
  const env = {
    DATABASE_URL: url.toString(),
    NATS_PREFIX: `benchstatus${id}`,
    LOG_LEVEL: 'error',
    SIM_TIME_SCALE: '0.001',
    GATEWAY_RATE_LIMIT_PER_SECOND: rate,
    GATEWAY_RATE_LIMIT_BURST: rate,
  };
  const token = `bench-${id}`;
  const headers = { Authorization: `Bearer ${token}` };
  let platform;
  const db = new Client({ connectionString: env.DATABASE_URL });
  try {
    bootstrapDefaultOrg(env, token);
    platform = await launchPlatform({ env, stdio: 'pipe' });
    await db.connect();
    // Org limits out of the way of the `running` phase (it should dial, and fail, at a real pace).
    const limits = await fetch(`${platform.gatewayUrl}/api/org`, {
      method: 'PATCH',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ max_concurrent_calls: 50, calls_per_second: 500 }),
    });
    if (!limits.ok) throw new Error(`PATCH /api/org: ${limits.status} ${await limits.text()}`);

    // The CSV: every 4th contact's simulated call ends no_answer (failed after its one attempt).
    const rows = ['phone,name,plan,sim_outcomes,sim_duration_seconds'];
    for (let i = 0; i < contacts; i++)
      rows.push(
        `+1415${String(2000000 + i).padStart(7, '0')},Contact ${i},plan-${i % 7},${i % 4 === 3 ? 'no_answer' : 'completed'},1`,
      );
    const csv = rows.join('\n');
    rows.length = 0;
    const form = new FormData();
    form.append('file', new Blob([csv], { type: 'text/csv' }), 'status-bench.csv');
    form.append('agent_id', 'agent-demo');
    form.append('name', `status bench ${contacts}`);
    form.append('concurrency', '50');
    form.append('max_attempts', '1');
    form.append('bypass_call_guardrails', 'true');
    form.append('scheduled_start_time', new Date(Date.now() + 24 * 3600_000).toISOString());
    const t0 = Date.now();
    const created = await fetch(`${platform.gatewayUrl}/api/batch-calls`, { method: 'POST', body: form, headers });
    const body = await created.json();
    if (!body.batch_id) throw new Error(`create: ${created.status} ${JSON.stringify(body).slice(0, 500)}`);
    const createMs = Date.now() - t0;
    const batchId = body.batch_id;
    // Until the read model has every contact (reporting consumes the import's contact events).
    for (;;) {
      const { rows: counted } = await db.query(
        `SELECT coalesce(sum(count), 0)::int AS n FROM reporting.contact_status_counts WHERE batch_id = $1`,
        [batchId],
      );
      if (counted[0].n >= contacts) break;
      if (Date.now() - t0 > 60 * 60_000) throw new Error(`read model has ${counted[0].n} of ${contacts} after 1 h`);
      await sleep(1000);
    }
    const readModelMs = Date.now() - t0;
    console.log(
      JSON.stringify({
        bench: 'report-status-http',
        phase: 'import',
        contacts,
        create_ms: createMs,
        read_model_complete_ms: readModelMs,
      }),
    );
    await sleep(2000); // let the import's tail (vacuum, stats) settle
    const ctx = { platform, db, admin, dbName };
    const statusUrl = `${platform.gatewayUrl}/api/batch-calls/${batchId}`;
    const results = [];
    results.push(await measure('scheduled', statusUrl, token, headers, ctx));

    if (!process.env.BENCH_SKIP_RUN) {
      const start = new Date(Date.now() + 3000).toISOString();
      const rescheduled = await fetch(`${statusUrl}/reschedule`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({ scheduled_start_time: start, timezone: 'UTC' }),
      });
      if (!rescheduled.ok) throw new Error(`reschedule: ${rescheduled.status} ${await rescheduled.text()}`);
      // The scheduler starts it on its next tick once it is due (later while it still digests the import).
      const due = Date.now();
      for (;;) {
        const s = await (await fetch(statusUrl, { headers })).json();
        if (s.status === 'running' && s.completed + s.failed > 0) break;
        if (Date.now() - due > 15 * 60_000) throw new Error(`not dialing 15 min after its start time: ${s.status}`);
        await sleep(1000);
      }
      console.log(JSON.stringify({ bench: 'report-status-http', phase: 'start', dialing_after_ms: Date.now() - due }));
      results.push(await measure('running', statusUrl, token, headers, ctx));
      const paused = await fetch(`${statusUrl}/pause`, { method: 'POST', headers });
      if (!paused.ok) throw new Error(`pause: ${paused.status} ${await paused.text()}`);
      for (let i = 0; ; i++) {
        const s = await (await fetch(statusUrl, { headers })).json();
        if (s.status === 'paused' && s.in_progress === 0) break;
        if (i > 240) throw new Error(`not quiet after 2 min: ${s.status} in_progress ${s.in_progress}`);
        await sleep(500);
      }
      await sleep(2000);
      results.push(await measure('paused_with_errors', statusUrl, token, headers, ctx));
    }
    console.log(
      JSON.stringify({
        bench: 'report-status-http',
        summary: Object.fromEntries(results.map((r) => [r.phase, { p50_ms: r.p50_ms, p99_ms: r.p99_ms, rps: r.rps }])),
        target_met: results.every((r) => r.target_met),
      }),
    );
  } finally {
    await db.end().catch(() => undefined);
    if (platform) await platform.stop();
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
    await deleteStreams(env.NATS_PREFIX);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
