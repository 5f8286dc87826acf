'use strict';
// Benchmark: one batch through all five services with a near-instant simulated carrier.
// Prints contacts/s from create to completed, and the create (ingest) latency. Not a test.
// Usage: node bench/slice/run.js [contacts=2000] [concurrency=50] [dialers=1]
const { randomBytes } = require('node:crypto');
const { Client } = require('pg');
const { launchPlatform, bootstrapDefaultOrg } = require('../../scripts/platform-launcher');
const { deleteStreams } = require('../support/nats-cleanup');

const contacts = Number(process.argv[2] || 2000);
const concurrency = Number(process.argv[3] || 50);
const dialers = Number(process.argv[4] || 1);

async function main() {
  const id = randomBytes(4).toString('hex');
  const dbName = `outdial_bench_${id}`;
  const admin = new Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  const env = {
    DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${dbName}`,
    NATS_PREFIX: `bench${id}`,
    LOG_LEVEL: 'error',
    SIM_TIME_SCALE: '0.001',
  };
  const token = `bench-${id}`;
  bootstrapDefaultOrg(env, token);
  const platform = await launchPlatform({ env, dialerReplicas: dialers, stdio: 'pipe' });
  try {
    const rows = ['phone,name,sim_outcomes,sim_duration_seconds'];
    for (let i = 0; i < contacts; i++)
      rows.push(`+1415${String(2000000 + i).padStart(7, '0')},Contact ${i},completed,1`);
    const form = new FormData();
    form.append('file', new Blob([rows.join('\n')], { type: 'text/csv' }), 'bench.csv');
    form.append('agent_id', 'agent-demo');
    form.append('concurrency', String(concurrency));
    form.append('max_attempts', '1');
    // A benchmark of throughput, not of calling hours: run at any hour of the day.
    form.append('bypass_call_guardrails', 'true');
    const headers = { Authorization: `Bearer ${token}` };
    // The org defaults (5 calls at once, 1 call/s) would measure the limits, not the pipeline.
    const limits = await fetch(`${platform.gatewayUrl}/api/org`, {
      method: 'PATCH',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ max_concurrent_calls: Math.max(concurrency, 50), calls_per_second: 1000 }),
    });
    if (!limits.ok) throw new Error(`PATCH /api/org: ${limits.status} ${await limits.text()}`);
    await new Promise((r) => setTimeout(r, 500)); // the limits travel to scheduler and dialers as events
    const t0 = Date.now();
    const created = await (
      await fetch(`${platform.gatewayUrl}/api/batch-calls`, { method: 'POST', body: form, headers })
    ).json();
    const tCreated = Date.now();
    if (!created.batch_id) throw new Error(JSON.stringify(created));
    let status;
    do {
      await new Promise((r) => setTimeout(r, 100));
      status = await (await fetch(`${platform.gatewayUrl}/api/batch-calls/${created.batch_id}`, { headers })).json();
    } while (status.status !== 'completed');
    const t1 = Date.now();
    console.log(
      JSON.stringify({
        bench: 'slice',
        contacts,
        concurrency,
        dialers,
        create_ms: tCreated - t0,
        create_to_completed_ms: t1 - t0,
        contacts_per_second: Math.round((contacts / (t1 - t0)) * 1000),
      }),
    );
  } finally {
    await platform.stop();
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
    await deleteStreams(env.NATS_PREFIX);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
