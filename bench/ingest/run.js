'use strict';
// Benchmark: a 1,000,000-row contact CSV (US/GB/IN/DE numbers, ~2% invalid, ~1% duplicates)
// uploaded through the public API of the whole platform, measured from the first byte sent to
// the 201 (contacts committed, scheduler and reporting handed the batch). Prints rows/s, the
// ingest process's peak RSS, and the raw csv-parse throughput on the same file as the floor.
// The file is generated into a temp dir and deleted afterwards. Not a test.
// Usage: node bench/ingest/run.js [rows=1000000] [runs=1]
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { randomBytes } = require('node:crypto');
const { Client } = require('pg');
const { parse } = require('csv-parse');
const { generate } = require('./generate');
const { launchPlatform, bootstrapDefaultOrg } = require('../../scripts/platform-launcher');
const { deleteStreams } = require('../support/nats-cleanup');

const rows = Number(process.argv[2] || 1_000_000);
const runs = Number(process.argv[3] || 1);

/** kB values of /proc/<pid>/status fields (Linux). */
function procStatus(pid) {
  try {
    const text = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (name) => Number((new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(text) || [])[1] || 0);
    return { rssKb: field('VmRSS'), hwmKb: field('VmHWM') };
  } catch {
    return { rssKb: 0, hwmKb: 0 };
  }
}

async function csvParseFloor(file) {
  const t0 = process.hrtime.bigint();
  let n = 0;
  const parser = fs.createReadStream(file).pipe(parse({ relax_column_count: true, max_record_size: 512 * 1024 }));
  for await (const record of parser) if (record) n++;
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  return { records: n, ms: Math.round(ms), rows_per_second: Math.round((n / ms) * 1000) };
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'outdial-ingest-bench-'));
  const file = path.join(dir, 'contacts.csv');
  const bytes = generate(file, rows, 1);
  const floor = await csvParseFloor(file);
  console.log(JSON.stringify({ bench: 'ingest', step: 'csv-parse floor', file_bytes: bytes, ...floor }));

  const id = randomBytes(4).toString('hex');
  const dbName = `outdial_bench_${id}`;
  const admin = new Client({
    connectionString: process.env.BENCH_ADMIN_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres',
  });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  const env = {
    DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${dbName}`,
    NATS_PREFIX: `bench${id}`,
    LOG_LEVEL: process.env.BENCH_LOG ? 'info' : 'error',
    GATEWAY_RATE_LIMIT_PER_SECOND: '0',
  };
  const token = `bench-${id}`;
  bootstrapDefaultOrg(env, token);
  const onLog = process.env.BENCH_LOG
    ? (service, line) =>
        service === 'ingest' && /ingested|handed|failed|error/i.test(line) && console.error(`${service}: ${line}`)
    : undefined;
  const platform = await launchPlatform({ env, dialerReplicas: 1, stdio: 'pipe', onLog });
  const ingest = platform.processes.find((p) => p.service === 'ingest');
  const headers = { Authorization: `Bearer ${token}` };
  try {
    for (let run = 1; run <= runs; run++) {
      const before = procStatus(ingest.child.pid);
      let peakKb = before.rssKb;
      const sampler = setInterval(() => {
        peakKb = Math.max(peakKb, procStatus(ingest.child.pid).rssKb);
      }, 50);
      const form = new FormData();
      form.append('file', await fs.openAsBlob(file, { type: 'text/csv' }), 'contacts.csv');
      form.append('agent_id', 'agent-demo');
      // Far in the future: the batch is ingested and handed over, but nothing is dialed.
      form.append('scheduled_start_time', '2099-01-01T00:00:00Z');
      const t0 = Date.now();
      const response = await fetch(`${platform.gatewayUrl}/api/batch-calls`, { method: 'POST', body: form, headers });
      const created = await response.json();
      const tCreated = Date.now();
      clearInterval(sampler);
      if (response.status !== 201) throw new Error(`create answered ${response.status}: ${JSON.stringify(created)}`);
      const after = procStatus(ingest.child.pid);
      peakKb = Math.max(peakKb, after.rssKb);
      // Reporting consumes the hand-over chunks: the batch's contacts are listed once it has them all.
      let status;
      do {
        await new Promise((r) => setTimeout(r, 200));
        status = await (await fetch(`${platform.gatewayUrl}/api/batch-calls/${created.batch_id}`, { headers })).json();
      } while (status.total_calls !== created.validation.valid_rows + (created.validation.invalid_rows && 0));
      const tReported = Date.now();
      const seconds = (tCreated - t0) / 1000;
      console.log(
        JSON.stringify({
          bench: 'ingest',
          run,
          rows,
          file_mb: Math.round((bytes / 1e6) * 10) / 10,
          validation: { ...created.validation, issues: undefined },
          upload_to_201_ms: tCreated - t0,
          rows_per_second: Math.round(rows / seconds),
          reporting_complete_ms: tReported - t0,
          ingest_peak_rss_mb: Math.round(peakKb / 1024),
          ingest_rss_before_mb: Math.round(before.rssKb / 1024),
          ingest_vmhwm_mb: Math.round(after.hwmKb / 1024),
          csv_parse_floor_rows_per_second: floor.rows_per_second,
          target: { rows_per_second: 50000, peak_rss_mb: 300 },
        }),
      );
    }
  } finally {
    await platform.stop();
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
    await deleteStreams(env.NATS_PREFIX);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
