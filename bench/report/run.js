'use strict';
// Benchmark: reporting reads on a 1,000,000-contact batch. Seeds the reporting read model directly
// (generate_series; the bench measures reads, not ingest), then measures through the gateway:
// p50/p99 of GET /api/batch-calls/{id} and of a filtered contacts page (autocannon), the same status
// read as reporting's RPC alone over NATS (status_rpc_*: reporting's share, no gateway), and the time
// and peak memory (gateway and reporting RSS) to stream the full results CSV. Not a test; it drops
// its database and streams afterwards.
// Usage: node bench/report/run.js [contacts=1000000] [seconds=10]
// Diagnostics (off by default; see memory-probe.js, preloaded into every service when one is set):
//   BENCH_MEMORY_DIR=<dir>   heap/external/arrayBuffers breakdown and GC events of each service over
//                            time, plus the phase times (load, export, done) on stderr
//   BENCH_MEMORY_GC=1        with NODE_OPTIONS=--expose-gc: before the export, log live vs garbage
//   BENCH_CPU_PROF=<dir>     CPU profiles of gateway and reporting over the export
//   BENCH_HEAP_SAMPLE=<dir>  allocation profiles of gateway and reporting over the load phase, of
//                            what survived a scavenge (what grows the old space)
const fs = require('node:fs');
const { randomBytes } = require('node:crypto');
const { Client } = require('pg');
const autocannon = require('autocannon');
const { launchPlatform, bootstrapDefaultOrg } = require('../../scripts/platform-launcher');
const { deleteStreams } = require('../support/nats-cleanup');

const contacts = Number(process.argv[2] || 1_000_000);
const seconds = Number(process.argv[3] || 10);

const TARGETS = { status_p99_ms: 20, contacts_p99_ms: 50, export_rows_per_s: 100_000, export_peak_mb: 200 };

function rssMb(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

async function seed(db, batchId) {
  const s = 'reporting';
  await db.query(
    `INSERT INTO ${s}.batches (batch_id, org_id, name, status, status_at, agent_id, from_number, concurrency, max_attempts, total_calls,
       final_count, completed_count, failed_count, in_progress_count, dialed_final_count, duration_sum, duration_count, cost_so_far,
       estimated_cost, variable_columns, created_at, start_time, updated_at, provider, attempt_count)
     VALUES ($1, 'default', 'bench 1M', 'running', now(), 'agent-demo', '+12025550100', 50, 3, $2, 0, 0, 0, 0, 0, 0, 0, 0, 0,
       '["plan","note"]', now() - interval '2 hours', now() - interval '2 hours', now(), 'simulated', 0)`,
    [batchId, contacts],
  );
  // Indexes are built after the load (as a restore would): much faster than row by row.
  const indexes = (
    await db.query(
      `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = $1 AND tablename = 'contacts' AND indexname <> 'contacts_pkey'`,
      [s],
    )
  ).rows;
  for (const index of indexes) await db.query(`DROP INDEX ${s}.${index.indexname}`);
  const t0 = Date.now();
  // 60% completed, 15% failed, 10% voicemail, 10% pending, 5% queued; attempts 1-3.
  await db.query(
    `INSERT INTO ${s}.contacts (contact_id, batch_id, org_id, row, phone, name, variables, status, final, version, attempts,
        last_outcome, last_attempt_at, duration_seconds, call_id, recording_url, transcript, failure_reason)
     SELECT 'c' || g, $1, 'default', g, '+1415' || lpad((2000000 + g)::text, 7, '0'), 'Contact ' || g,
            jsonb_build_object('plan', 'plan-' || (g % 7), 'note', 'note, "quoted" ' || g),
            st, st NOT IN ('pending', 'queued'), 2, CASE WHEN st = 'pending' THEN 0 ELSE 1 + g % 3 END,
            CASE WHEN st = 'failed' THEN 'no_answer' WHEN st IN ('completed', 'voicemail') THEN st END,
            CASE WHEN st <> 'pending' THEN now() - (g % 7200) * interval '1 second' END,
            CASE WHEN st = 'completed' THEN 30 + g % 120 END,
            CASE WHEN st <> 'pending' THEN 'att-' || g END,
            CASE WHEN st = 'completed' THEN 'https://rec.example/' || g || '.wav' END,
            CASE WHEN st = 'completed' THEN 'agent: hello; customer: yes' END,
            NULL
       FROM (SELECT g, CASE WHEN g % 20 < 12 THEN 'completed' WHEN g % 20 < 15 THEN 'failed' WHEN g % 20 < 17 THEN 'voicemail'
                            WHEN g % 20 < 19 THEN 'pending' ELSE 'queued' END AS st
               FROM generate_series(1, $2) AS g) AS x`,
    [batchId, contacts],
  );
  for (const index of indexes) await db.query(index.indexdef);
  await db.query(
    `INSERT INTO ${s}.contact_status_counts (batch_id, status, count) SELECT batch_id, status, count(*) FROM ${s}.contacts WHERE batch_id = $1 GROUP BY batch_id, status`,
    [batchId],
  );
  await db.query(
    `UPDATE ${s}.batches b SET final_count = x.final, completed_count = x.completed, failed_count = x.final - x.completed, dialed_final_count = x.final,
            duration_sum = x.dsum, duration_count = x.completed, cost_so_far = round((x.dsum * 0.09 / 60)::numeric, 4)
       FROM (SELECT count(*) FILTER (WHERE final) AS final, count(*) FILTER (WHERE status = 'completed') AS completed, coalesce(sum(duration_seconds), 0) AS dsum
               FROM ${s}.contacts WHERE batch_id = $1) x
      WHERE b.batch_id = $1`,
    [batchId],
  );
  await db.query(`ANALYZE ${s}.contacts`);
  return Date.now() - t0;
}

/**
 * The reporting side alone: `v1.rpc.reporting.get_batch` over core NATS, `connections` requests in
 * flight at once for `seconds`, without the gateway (HTTP, auth) in front. Latencies in ms.
 */
async function rpcLoad(prefix, payload, connections = 10) {
  const { connect } = await import('@nats-io/transport-node');
  const nc = await connect({ servers: process.env.NATS_URL || 'nats://127.0.0.1:4222' });
  const subject = `${prefix}.v1.rpc.reporting.get_batch`;
  const body = JSON.stringify(payload);
  const latencies = [];
  const end = Date.now() + seconds * 1000;
  let errors = 0;
  const worker = async () => {
    while (Date.now() < end) {
      const t0 = process.hrtime.bigint();
      const reply = await nc.request(subject, body, { timeout: 5000 }).catch(() => null);
      latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      if (!reply || !JSON.parse(new TextDecoder().decode(reply.data)).ok) errors++;
    }
  };
  await Promise.all(Array.from({ length: connections }, worker));
  await nc.close();
  latencies.sort((a, b) => a - b);
  const at = (q) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] * 10) / 10;
  return { p50: at(0.5), p99: at(0.99), rps: Math.round(latencies.length / seconds), errors };
}

function cannon(url, token, connections = 10) {
  return new Promise((resolve, reject) => {
    autocannon(
      { url, connections, duration: seconds, headers: { Authorization: `Bearer ${token}` } },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });
}

async function main() {
  const id = randomBytes(4).toString('hex');
  const dbName = `outdial_bench_${id}`;
  const admin = new Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  // The per-token API rate limit is off: the bench measures latency under load, not the limiter.
  const env = {
    DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${dbName}`,
    NATS_PREFIX: `bench${id}`,
    LOG_LEVEL: 'error',
    GATEWAY_RATE_LIMIT_PER_SECOND: '0',
  };
  const probing = Boolean(process.env.BENCH_MEMORY_DIR || process.env.BENCH_CPU_PROF || process.env.BENCH_HEAP_SAMPLE);
  if (probing)
    env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --require ${require.resolve('./memory-probe')}`.trim();
  const phase = (name) => process.env.BENCH_MEMORY_DIR && console.error(JSON.stringify({ phase: name, t: Date.now() }));
  /** Tells the probes of gateway and reporting to start or stop (a SIGUSR2 toggles them), then lets them settle. */
  const signalProbes = async () => {
    for (const p of platform.processes)
      if (['gateway', 'reporting'].includes(p.service)) process.kill(p.child.pid, 'SIGUSR2');
    await new Promise((r) => setTimeout(r, 1000));
  };
  const token = `bench-${id}`;
  let platform;
  const db = new Client({ connectionString: env.DATABASE_URL });
  try {
    bootstrapDefaultOrg(env, token);
    platform = await launchPlatform({ env, stdio: 'pipe' });
    await db.connect();
    const batchId = `batch_bench${id}`;
    const seedMs = await seed(db, batchId);
    const base = `${platform.gatewayUrl}/api/batch-calls/${batchId}`;
    const headers = { Authorization: `Bearer ${token}` };
    const check = await fetch(base, { headers });
    if (check.status !== 200) throw new Error(`status ${check.status}: ${await check.text()}`);

    // One client (the latency of a request) and ten at once (under load, on a machine shared by all five services).
    phase('load');
    if (process.env.BENCH_HEAP_SAMPLE) await signalProbes();
    const status1 = await cannon(base, token, 1);
    const status = await cannon(base, token);
    // The same read without the gateway: what reporting itself takes (its share of the p99).
    const statusRpc = await rpcLoad(env.NATS_PREFIX, { org_id: 'default', batch_id: batchId });
    const contactsUrl = `${base}/contacts?status=failed,voicemail&page=3&page_size=50`;
    const page = await (await fetch(contactsUrl, { headers })).json();
    if (page.items.length !== 50) throw new Error(`contacts page: ${JSON.stringify(page).slice(0, 300)}`);
    const contactsPage1 = await cannon(contactsUrl, token, 1);
    const contactsPage = await cannon(contactsUrl, token);

    const pids = Object.fromEntries(
      platform.processes
        .filter((p) => ['gateway', 'reporting'].includes(p.service))
        .map((p) => [p.service, p.child.pid]),
    );
    const peak = { gateway: rssMb(pids.gateway), reporting: rssMb(pids.reporting) };
    const before = { ...peak };
    const sampler = setInterval(() => {
      for (const [name, pid] of Object.entries(pids)) peak[name] = Math.max(peak[name], rssMb(pid));
    }, 50);
    if (probing && (process.env.BENCH_MEMORY_GC || process.env.BENCH_CPU_PROF || process.env.BENCH_HEAP_SAMPLE))
      await signalProbes();
    phase('export');
    const t0 = Date.now();
    const response = await fetch(`${base}/results?filter=all`, { headers });
    let bytes = 0;
    let lines = 0;
    for await (const chunk of response.body) {
      bytes += chunk.length;
      for (let i = 0; i < chunk.length; i++) if (chunk[i] === 10) lines++;
    }
    const exportMs = Date.now() - t0;
    phase('done');
    if (process.env.BENCH_CPU_PROF) await signalProbes();
    clearInterval(sampler);
    const rows = lines - 1;
    const result = {
      bench: 'report',
      contacts,
      seed_ms: seedMs,
      status_1conn_p50_ms: status1.latency.p50,
      status_1conn_p99_ms: status1.latency.p99,
      contacts_page_1conn_p50_ms: contactsPage1.latency.p50,
      contacts_page_1conn_p99_ms: contactsPage1.latency.p99,
      status_p50_ms: status.latency.p50,
      status_p99_ms: status.latency.p99,
      status_rps: Math.round(status.requests.average),
      status_rpc_p50_ms: statusRpc.p50,
      status_rpc_p99_ms: statusRpc.p99,
      status_rpc_rps: statusRpc.rps,
      contacts_page_p50_ms: contactsPage.latency.p50,
      contacts_page_p99_ms: contactsPage.latency.p99,
      contacts_page_rps: Math.round(contactsPage.requests.average),
      contacts_page_total: page.total,
      export_rows: rows,
      export_mb: Math.round(bytes / 1048576),
      export_ms: exportMs,
      export_rows_per_s: Math.round((rows / exportMs) * 1000),
      export_peak_rss_mb: { gateway: Math.round(peak.gateway), reporting: Math.round(peak.reporting) },
      rss_before_export_mb: { gateway: Math.round(before.gateway), reporting: Math.round(before.reporting) },
      errors: {
        status: status.errors + status.non2xx + status.timeouts,
        status_rpc: statusRpc.errors,
        contacts_page: contactsPage.errors + contactsPage.non2xx + contactsPage.timeouts,
      },
    };
    result.targets_met = {
      status_p99_1conn: result.status_1conn_p99_ms <= TARGETS.status_p99_ms,
      status_p99_10conn: result.status_p99_ms <= TARGETS.status_p99_ms,
      contacts_page_p99_1conn: result.contacts_page_1conn_p99_ms <= TARGETS.contacts_p99_ms,
      contacts_page_p99_10conn: result.contacts_page_p99_ms <= TARGETS.contacts_p99_ms,
      export_rows_per_s: result.export_rows_per_s >= TARGETS.export_rows_per_s,
      export_memory: Math.max(peak.gateway, peak.reporting) <= TARGETS.export_peak_mb,
    };
    if (rows !== contacts) throw new Error(`export had ${rows} rows, expected ${contacts}`);
    console.log(JSON.stringify(result));
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
