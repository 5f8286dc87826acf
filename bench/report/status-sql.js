'use strict';
// A/B of reporting's share of GET /api/batch-calls/{id} on a 1,000,000-contact batch, without the
// platform: the database work of the status read as it was (SELECT * of the batch row, then the
// first 100 failed contacts: two round trips) against the current single statement
// (BatchReadModelRepository.statusView), each with `connections` clients at once, interleaved in
// rounds so both see the same machine load. Prints p50/p99 (ms) and requests/s of each.
// Usage: node bench/report/status-sql.js [contacts=1000000] [seconds=20] [connections=10]
const { randomBytes } = require('node:crypto');
const { Client, Pool } = require('pg');

const contacts = Number(process.argv[2] || 1_000_000);
const seconds = Number(process.argv[3] || 20);
const connections = Number(process.argv[4] || 10);
const ROUNDS = 4;

const OLD = [
  `SELECT * FROM reporting.batches WHERE batch_id = $1 AND org_id = $2`,
  `SELECT row, phone, status, final, attempts, failure_reason, last_outcome FROM reporting.contacts
    WHERE batch_id = $1 AND final AND status <> 'completed' AND row IS NOT NULL ORDER BY row LIMIT $2`,
];
const NEW = `SELECT b.batch_id, b.org_id, b.name, b.status, b.agent_id, b.from_number, b.concurrency, b.max_attempts,
       b.total_calls, b.final_count, b.completed_count, b.failed_count, b.in_progress_count,
       b.dialed_final_count, b.duration_sum, b.duration_count, b.cost_so_far, b.created_at,
       b.scheduled_start_time, b.start_time, b.completed_at,
       CASE WHEN b.failed_count > 0 THEN
         (SELECT json_agg(f ORDER BY f.row)
            FROM (SELECT row, phone, status, final, attempts, failure_reason, last_outcome FROM reporting.contacts
                   WHERE batch_id = b.batch_id AND final AND status <> 'completed' AND row IS NOT NULL
                   ORDER BY row LIMIT $3) f)
       END AS errors
  FROM reporting.batches b WHERE b.batch_id = $1 AND ($2::text IS NULL OR b.org_id = $2)`;

async function load(pool, run, ms) {
  const latencies = [];
  const end = Date.now() + ms;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (Date.now() < end) {
        const t0 = process.hrtime.bigint();
        await run(pool);
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
    }),
  );
  return latencies;
}

function summary(latencies, ms) {
  latencies.sort((a, b) => a - b);
  const at = (q) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] * 100) / 100;
  return { p50_ms: at(0.5), p99_ms: at(0.99), rps: Math.round(latencies.length / (ms / 1000)) };
}

async function main() {
  const dbName = `outdial_bench_statussql_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  const pool = new Pool({ connectionString: `postgres://postgres@127.0.0.1:5432/${dbName}`, max: connections });
  // The drop (WITH FORCE) ends connections the pool may still be closing: not an error here.
  pool.on('error', () => undefined);
  try {
    await pool.query(`CREATE SCHEMA reporting`);
    await pool.query(`CREATE TABLE reporting.batches (batch_id text PRIMARY KEY, org_id text NOT NULL, name text NOT NULL,
      status text NOT NULL, status_at timestamptz, agent_id text NOT NULL, from_number text NOT NULL, concurrency int NOT NULL,
      max_attempts int NOT NULL, total_calls int NOT NULL, final_count int NOT NULL DEFAULT 0, completed_count int NOT NULL DEFAULT 0,
      failed_count int NOT NULL DEFAULT 0, in_progress_count int NOT NULL DEFAULT 0, dialed_final_count int NOT NULL DEFAULT 0,
      duration_sum double precision NOT NULL DEFAULT 0, duration_count int NOT NULL DEFAULT 0, cost_so_far numeric(16, 4) NOT NULL DEFAULT 0,
      estimated_cost numeric(16, 4) NOT NULL DEFAULT 0, variable_columns jsonb NOT NULL DEFAULT '[]', created_at timestamptz NOT NULL,
      scheduled_start_time timestamptz, start_time timestamptz, completed_at timestamptz, updated_at timestamptz, provider text,
      callback_url text, attempt_count int NOT NULL DEFAULT 0)`);
    await pool.query(`CREATE TABLE reporting.contacts (contact_id text PRIMARY KEY, batch_id text NOT NULL, org_id text NOT NULL,
      row int, phone text, name text, variables jsonb, status text NOT NULL, final boolean NOT NULL DEFAULT false,
      version int NOT NULL DEFAULT 0, attempts int NOT NULL DEFAULT 0, last_outcome text, failure_reason text)`);
    const batchId = 'batch_statussql';
    await pool.query(
      `INSERT INTO reporting.batches (batch_id, org_id, name, status, agent_id, from_number, concurrency, max_attempts, total_calls,
         final_count, completed_count, failed_count, variable_columns, created_at)
       VALUES ($1, 'default', 'bench', 'running', 'a', '+1', 50, 3, $2::int, $2::int / 100 * 85, $2::int / 100 * 60, $2::int / 100 * 25, '["plan","note"]', now())`,
      [batchId, contacts],
    );
    // Same mix as bench/report/run.js: 60% completed, 15% failed, 10% voicemail, 10% pending, 5% queued.
    await pool.query(
      `INSERT INTO reporting.contacts (contact_id, batch_id, org_id, row, phone, name, variables, status, final, attempts, last_outcome)
       SELECT 'c' || g, $1, 'default', g, '+1415' || lpad((2000000 + g)::text, 7, '0'), 'Contact ' || g, '{"plan":"x"}',
              st, st NOT IN ('pending', 'queued'), 1, CASE WHEN st = 'failed' THEN 'no_answer' END
         FROM (SELECT g, CASE WHEN g % 20 < 12 THEN 'completed' WHEN g % 20 < 15 THEN 'failed' WHEN g % 20 < 17 THEN 'voicemail'
                              WHEN g % 20 < 19 THEN 'pending' ELSE 'queued' END AS st FROM generate_series(1, $2) AS g) x`,
      [batchId, contacts],
    );
    await pool.query(
      `CREATE INDEX contacts_failed_idx ON reporting.contacts (batch_id, row) WHERE final AND status <> 'completed'`,
    );
    await pool.query(`ANALYZE reporting.contacts`);
    const runOld = async (p) => {
      await p.query(OLD[0], [batchId, 'default']);
      await p.query(OLD[1], [batchId, 100]);
    };
    const runNew = (p) => p.query(NEW, [batchId, 'default', 100]);
    const slice = (seconds * 1000) / ROUNDS;
    const all = { two_statements: [], one_statement: [] };
    for (let round = 0; round < ROUNDS; round++) {
      all.two_statements.push(...(await load(pool, runOld, slice)));
      all.one_statement.push(...(await load(pool, runNew, slice)));
    }
    console.log(
      JSON.stringify({
        bench: 'report-status-sql',
        contacts,
        connections,
        seconds_each: seconds,
        two_statements: summary(all.two_statements, seconds * 1000),
        one_statement: summary(all.one_statement, seconds * 1000),
      }),
    );
  } finally {
    await pool.end();
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
