'use strict';
// Benchmark (issue 16): one org, several running batches, the whole pipeline (release -> admission ->
// provider -> call events -> scheduler decision -> read models) with a near-instant simulated carrier,
// run with 1 and with 3 dialer replicas in one invocation. Prints, per replica count, JSON lines:
//   contacts_per_second      first create -> every batch `completed` (through the public API)
//   admissions_per_second    attempts admitted / (last admitted_at - first admitted_at)
//   release_to_start_ms      p50/p99 from the dial request's requested_at to the provider start
//   cpu_seconds_per_1000     CPU (user+system, from /proc/<pid>/stat) per 1,000 contacts for each
//                            service process and for PostgreSQL (every backend alive at the end plus
//                            what the postmaster reaped: cutime/cstime) and for nats-server;
//                            PostgreSQL's CPU is also split by service (pool application_name)
//   statements_per_contact   when pg_stat_statements is loaded (and created in the base database):
//                            statements and transactions per contact, per service schema, and the
//                            statements that took most of PostgreSQL's time (this run's database only;
//                            BENCH_TOP_STATEMENTS=n lists n of them, default 5)
// Org limits are raised out of the way (they would measure the limits, not the pipeline). Not a test;
// the machine is shared, so figures vary run to run. Drops its databases and streams afterwards.
// Usage: node bench/scale/run.js [batches=8] [contactsPerBatch=1000] [concurrency=50] [replicas=1,3]
const fs = require('node:fs');
const { randomBytes } = require('node:crypto');
const { execFileSync } = require('node:child_process');
const { Client } = require('pg');
const { launchPlatform, bootstrapDefaultOrg } = require('../../scripts/platform-launcher');
const { deleteStreams } = require('../support/nats-cleanup');

const batches = Number(process.argv[2] || 8);
const perBatch = Number(process.argv[3] || 1000);
const concurrency = Number(process.argv[4] || 50);
const replicaCounts = String(process.argv[5] || '1,3')
  .split(',')
  .map(Number);
const BASE_DB = process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

/** CPU seconds of one process: [own, reaped children] from /proc/<pid>/stat fields 14-17. */
function cpuOf(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const [utime, stime, cutime, cstime] = fields.slice(11, 15).map(Number);
    return { own: (utime + stime) / CLK_TCK, children: (cutime + cstime) / CLK_TCK };
  } catch {
    return { own: 0, children: 0 };
  }
}

/** Every PostgreSQL process's CPU: the postmaster's own and reaped, plus its live children. */
function postgresCpu() {
  let total = 0;
  for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    let comm;
    try {
      comm = fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
    } catch {
      continue;
    }
    if (comm !== 'postgres') continue;
    const cpu = cpuOf(pid);
    total += cpu.own;
    const ppid = Number(fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[1]);
    const parentComm = (() => {
      try {
        return fs.readFileSync(`/proc/${ppid}/comm`, 'utf8').trim();
      } catch {
        return '';
      }
    })();
    if (parentComm !== 'postgres') total += cpu.children; // the postmaster: what its exited backends used
  }
  return total;
}

/** CPU seconds of the NATS server process(es) on this machine (JetStream's share of the pipeline). */
function natsCpu() {
  let total = 0;
  for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      if (fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'nats-server') total += cpuOf(pid).own;
    } catch {
      // gone
    }
  }
  return total;
}

/**
 * PostgreSQL CPU seconds per service: the run database's backends grouped by the application_name
 * each service's pool sets (`<service>-<replica>`, replicas summed). A backend that exited during
 * the run is not in pg_stat_activity; its CPU stays in the PostgreSQL total only.
 */
async function postgresCpuByService(admin, dbName) {
  const { rows } = await admin.query(
    `SELECT pid, application_name FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`,
    [dbName],
  );
  const byPid = new Map();
  for (const r of rows) {
    const service = /^(ingest|scheduler|dialer|reporting|gateway)-/.exec(r.application_name)?.[1] ?? 'other';
    byPid.set(r.pid, { service, cpu: cpuOf(r.pid).own });
  }
  return byPid;
}

function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function runOnce(dialers) {
  const id = randomBytes(4).toString('hex');
  const dbName = `outdial_bench_scale_${id}`;
  const admin = new Client({ connectionString: BASE_DB });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  const dbOid = (await admin.query(`SELECT oid FROM pg_database WHERE datname = $1`, [dbName])).rows[0].oid;
  const url = new URL(BASE_DB);
  url.pathname = `/${dbName}`;
  const env = {
    DATABASE_URL: url.toString(),
    NATS_PREFIX: `benchscale${id}`,
    LOG_LEVEL: 'error',
    SIM_TIME_SCALE: '0.001',
  };
  const token = `bench-${id}`;
  bootstrapDefaultOrg(env, token);
  const platform = await launchPlatform({ env, dialerReplicas: dialers, stdio: 'pipe' });
  const db = new Client({ connectionString: env.DATABASE_URL });
  await db.connect();
  try {
    const headers = { Authorization: `Bearer ${token}` };
    const limits = await fetch(`${platform.gatewayUrl}/api/org`, {
      method: 'PATCH',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ max_concurrent_calls: batches * concurrency, calls_per_second: 1000 }),
    });
    if (!limits.ok) throw new Error(`PATCH /api/org: ${limits.status} ${await limits.text()}`);
    await new Promise((r) => setTimeout(r, 2000)); // the limits travel to scheduler and dialers as events
    const files = [];
    for (let b = 0; b < batches; b++) {
      const rows = ['phone,name,sim_outcomes,sim_duration_seconds'];
      for (let i = 0; i < perBatch; i++)
        rows.push(`+1415${String(2000000 + b * perBatch + i).padStart(7, '0')},Contact ${i},completed,1`);
      files.push(rows.join('\n'));
    }
    const cpuBefore = platform.processes.map((p) => cpuOf(p.child.pid).own);
    const pgBefore = postgresCpu();
    const natsBefore = natsCpu();
    const pgBackendsBefore = await postgresCpuByService(admin, dbName);
    const t0 = Date.now();
    const ids = await Promise.all(
      files.map(async (csv, b) => {
        const form = new FormData();
        form.append('file', new Blob([csv], { type: 'text/csv' }), `scale-${b}.csv`);
        form.append('agent_id', 'agent-demo');
        form.append('concurrency', String(concurrency));
        form.append('max_attempts', '1');
        form.append('bypass_call_guardrails', 'true'); // throughput, not calling hours
        const response = await fetch(`${platform.gatewayUrl}/api/batch-calls`, { method: 'POST', body: form, headers });
        const body = await response.json();
        if (!body.batch_id) throw new Error(JSON.stringify(body).slice(0, 500));
        return body.batch_id;
      }),
    );
    const pending = new Set(ids);
    while (pending.size > 0) {
      await new Promise((r) => setTimeout(r, 200));
      for (const batchId of [...pending]) {
        const status = await (await fetch(`${platform.gatewayUrl}/api/batch-calls/${batchId}`, { headers })).json();
        if (status.status === 'completed') pending.delete(batchId);
        else if (['failed', 'cancelled'].includes(status.status)) throw new Error(`${batchId} ended ${status.status}`);
      }
      if (Date.now() - t0 > 30 * 60_000) throw new Error('not completed within 30 minutes');
    }
    const elapsedMs = Date.now() - t0;
    const cpuAfter = platform.processes.map((p) => cpuOf(p.child.pid).own);
    const pgCpu = postgresCpu() - pgBefore;
    const natsUsed = natsCpu() - natsBefore;
    const pgBackendsAfter = await postgresCpuByService(admin, dbName);
    const pgByService = {};
    for (const [pid, after] of pgBackendsAfter) {
      const used = after.cpu - (pgBackendsBefore.get(pid)?.cpu ?? 0);
      pgByService[after.service] = (pgByService[after.service] || 0) + used;
    }
    const total = batches * perBatch;
    const { rows: admitted } = await db.query(
      `SELECT count(*)::int AS n, extract(epoch FROM max(admitted_at) - min(admitted_at)) AS span_s FROM dialer.attempts`,
    );
    const { rows: latencies } = await db.query(
      `SELECT extract(epoch FROM started_at - requested_at) * 1000 AS ms FROM dialer.attempts WHERE started_at IS NOT NULL ORDER BY 1`,
    );
    const sorted = latencies.map((r) => Number(r.ms));
    const perProcess = {};
    platform.processes.forEach((p, i) => {
      const name = p.name ?? `${p.service}-${i}`;
      perProcess[name] = Math.round(((cpuAfter[i] - cpuBefore[i]) / total) * 1000 * 100) / 100;
    });
    const per1000 = (seconds) => Math.round((seconds / total) * 1000 * 100) / 100;
    perProcess.postgresql = per1000(pgCpu);
    perProcess['nats-server'] = per1000(natsUsed);
    const totalCpu = Object.values(perProcess).reduce((a, b) => a + b, 0);
    const statements = await statementProfile(admin, dbOid, total);
    console.log(
      JSON.stringify({
        bench: 'scale',
        dialers,
        batches,
        contacts: total,
        concurrency_per_batch: concurrency,
        elapsed_ms: elapsedMs,
        contacts_per_second: Math.round((total / elapsedMs) * 1000),
        admissions_per_second: admitted[0].span_s > 0 ? Math.round(admitted[0].n / Number(admitted[0].span_s)) : null,
        release_to_start_ms: { p50: Math.round(percentile(sorted, 50)), p99: Math.round(percentile(sorted, 99)) },
        cpu_seconds_per_1000: perProcess,
        cpu_seconds_per_1000_total: Math.round(totalCpu * 100) / 100,
        // PostgreSQL's share above, split by the service whose connection did the work.
        postgresql_cpu_seconds_per_1000_by_service: Object.fromEntries(
          Object.entries(pgByService).map(([k, v]) => [k, per1000(v)]),
        ),
        ...(statements ? { statements_per_contact: statements } : {}),
        // Issue 16's target on a 2-core machine, and whether this run met it.
        target: { contacts_per_second: 500, met: Math.round((total / elapsedMs) * 1000) >= 500 },
      }),
    );
  } finally {
    await db.end();
    await platform.stop();
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
    await deleteStreams(env.NATS_PREFIX);
  }
}

/**
 * Statements per contact of this run's database, per service schema (from pg_stat_statements,
 * filtered by the database's oid so other databases' work is not counted), transactions
 * (COMMITs), and the five statements with the most execution time. Undefined when the extension
 * is not available.
 */
async function statementProfile(admin, dbOid, contacts) {
  let rows;
  try {
    ({ rows } = await admin.query(
      `SELECT query, calls::float8 AS calls, total_exec_time AS ms FROM pg_stat_statements WHERE dbid = $1`,
      [dbOid],
    ));
  } catch {
    return undefined;
  }
  const per = (n) => Math.round((n / contacts) * 100) / 100;
  const bySchema = {};
  let transactions = 0;
  for (const r of rows) {
    if (/^\s*COMMIT/i.test(r.query)) transactions += r.calls;
    if (/^\s*(BEGIN|COMMIT|ROLLBACK|SET|SHOW)\b/i.test(r.query)) continue;
    const schema = /"?(ingest|scheduler|dialer|reporting|gateway)"?\./.exec(r.query)?.[1] ?? 'other';
    bySchema[schema] = (bySchema[schema] || 0) + r.calls;
  }
  const top = rows
    .filter((r) => !/^\s*(BEGIN|COMMIT)/i.test(r.query))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, Number(process.env.BENCH_TOP_STATEMENTS || 5))
    .map((r) => ({
      per_contact: per(r.calls),
      mean_ms: Math.round((r.ms / r.calls) * 100) / 100,
      query: r.query.replace(/\s+/g, ' ').slice(0, 90),
    }));
  const statements = Object.values(bySchema).reduce((a, b) => a + b, 0);
  return {
    total: per(statements),
    transactions: per(transactions),
    by_schema: Object.fromEntries(Object.entries(bySchema).map(([k, v]) => [k, per(v)])),
    top_by_time: top,
  };
}

async function main() {
  for (const dialers of replicaCounts) await runOnce(dialers);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
