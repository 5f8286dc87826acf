'use strict';
// Benchmark of the admission statement alone (issue 16), against the real PostgreSQL, no NATS and no
// service: many concurrent admissions of ONE org (the worst case: every one needs the org row lock),
// with `open` calls already in progress, done two ways on two fresh databases with the dialer's migrations:
//   locked-tx  main before issue 16: BEGIN; SELECT org_budgets FOR UPDATE; one SELECT of the existing
//              attempt + count(*) of the org's / batch's / agent's open attempts + batch status;
//              UPDATE the bucket; INSERT the attempt; COMMIT (5 round trips under the lock; the
//              counter triggers of migration 006 are dropped in this database, as they did not exist)
//   function   SELECT ... FROM admit_attempt(...) on an autocommit connection (one round trip)
// Prints one JSON line per mode: admissions/s and p50/p99 latency per admission. Not a test; the
// machine is shared, so figures vary; compare modes from the same invocation.
// Usage: node bench/dial/admission-sql.js [admissions=3000] [clients=48] [open=200]
const path = require('node:path');
const { randomBytes } = require('node:crypto');
const { Client, Pool } = require('pg');

const ROOT = path.resolve(__dirname, '..', '..');
const { DIALER_MIGRATIONS } = require(path.join(ROOT, 'apps', 'dialer', 'dist', 'persistence', 'migrations.js'));
const { Database, runMigrations } = require(path.join(ROOT, 'packages', 'service-runtime', 'dist', 'database.js'));

const total = Number(process.argv[2] || 3000);
const clients = Number(process.argv[3] || 48);
const openCalls = Number(process.argv[4] || 200);
const BASE_DB = process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const S = '"dialer"';

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

function attemptParams(i) {
  return {
    attempt_id: `c-${i}:1`,
    contact_id: `c-${i}`,
    batch_id: `b-${i % 8}`,
    agent_id: 'agent-1',
  };
}

async function lockedTx(pool, i) {
  const a = attemptParams(i);
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const budget = (await client.query(`SELECT * FROM ${S}.org_budgets WHERE org_id = $1 FOR UPDATE`, ['org-1']))
      .rows[0];
    const view = await client.query(
      `SELECT (SELECT to_jsonb(a) FROM ${S}.attempts a WHERE a.attempt_id = $1 OR (a.contact_id = $2 AND a.attempt = $3) LIMIT 1) AS existing,
              o.org_open, o.batch_open, o.agent_open, b.status AS batch_status, b.changed_at AS batch_changed_at
         FROM (SELECT count(*)::int AS org_open, (count(*) FILTER (WHERE batch_id = $5))::int AS batch_open,
                      (count(*) FILTER (WHERE agent_id = $6))::int AS agent_open
                 FROM ${S}.attempts WHERE org_id = $4 AND status <> 'ended') o
         LEFT JOIN ${S}.batch_states b ON b.batch_id = $5`,
      [a.attempt_id, a.contact_id, 1, 'org-1', a.batch_id, a.agent_id],
    );
    if (view.rows[0].existing) throw new Error('unexpected existing attempt');
    const now = new Date();
    await client.query(`UPDATE ${S}.org_budgets SET tokens = $2, refilled_at = $3 WHERE org_id = $1`, [
      'org-1',
      Math.max(0, budget.tokens - 1),
      now,
    ]);
    await client.query(
      `INSERT INTO ${S}.attempts (attempt_id, contact_id, attempt, batch_id, org_id, provider, status, requested_at, lease_expires_at,
         timeout_seconds, admitted_by, admitted_at, agent_id)
       VALUES ($1, $2, 1, $3, 'org-1', 'simulated', 'admitted', $4, $4, 600, 'bench', $4, $5) ON CONFLICT DO NOTHING RETURNING *`,
      [a.attempt_id, a.contact_id, a.batch_id, now, a.agent_id],
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

async function viaFunction(pool, i) {
  const a = attemptParams(i);
  const result = await pool.query(
    `SELECT r.out_verdict, (r.out_attempt).attempt_id FROM ${S}.admit_attempt($1, $2, 1, $3, 'org-1', $4, 'simulated', now(), 600, 30,
       'bench', NULL, NULL, NULL, 0, 5, 1, true) r`,
    [a.attempt_id, a.contact_id, a.batch_id, a.agent_id],
  );
  if (result.rows[0].out_verdict !== 'admitted') throw new Error(`not admitted: ${result.rows[0].out_verdict}`);
}

async function run(mode) {
  const dbName = `outdial_bench_admsql_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: BASE_DB });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  const url = new URL(BASE_DB);
  url.pathname = `/${dbName}`;
  const pool = new Pool({ connectionString: url.toString(), max: clients });
  pool.on('error', () => undefined);
  try {
    await runMigrations(new Database(pool, 'dialer'), DIALER_MIGRATIONS);
    if (mode === 'locked-tx') {
      for (const trigger of ['attempts_slot_taken', 'attempts_slot_status', 'attempts_slot_dropped'])
        await pool.query(`DROP TRIGGER ${trigger} ON ${S}.attempts`);
    }
    await pool.query(
      `INSERT INTO ${S}.org_budgets (org_id, max_concurrent_calls, calls_per_second, compliance_guard, settings_version, tokens, refilled_at)
       VALUES ('org-1', 1000000, 1000000, true, 1, 1000000, now())`,
    );
    // Calls in progress (the count(*) of the old path grows with them).
    for (let i = 0; i < openCalls; i++) {
      if (mode === 'function') await viaFunction(pool, -1 - i);
      else await lockedTx(pool, -1 - i);
    }
    const latencies = [];
    let next = 0;
    const started = Date.now();
    await Promise.all(
      Array.from({ length: clients }, async () => {
        while (next < total) {
          const i = next++;
          const t0 = process.hrtime.bigint();
          if (mode === 'function') await viaFunction(pool, i);
          else await lockedTx(pool, i);
          latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
        }
      }),
    );
    const elapsed = (Date.now() - started) / 1000;
    latencies.sort((x, y) => x - y);
    console.log(
      JSON.stringify({
        bench: 'admission-sql',
        mode,
        admissions: total,
        clients,
        open_calls: openCalls,
        per_second: Math.round(total / elapsed),
        p50_ms: Number(quantile(latencies, 0.5).toFixed(1)),
        p99_ms: Number(quantile(latencies, 0.99).toFixed(1)),
      }),
    );
  } finally {
    await pool.end();
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
  }
}

(async () => {
  for (const mode of ['locked-tx', 'function']) await run(mode);
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
