'use strict';
// Benchmark (issue 16, closed zones): the cost of the scheduler's release pass over a batch whose
// contacts are mostly in zones whose calling window is closed now, against a batch of only its open
// contacts. Real PostgreSQL, the scheduler's own migrations and ContactsRepository (apps/scheduler/dist,
// so run `npm run build` first): per pass, the survey (how many it may call, counted up to `n`) and
// the claim of `n` contacts (ONE `UPDATE ... FOR UPDATE SKIP LOCKED` statement), each in a transaction
// that is rolled back so every pass sees the same table. Not the full service: the window math is not
// what is measured; the open zone key is given to the queries as the window cache would.
// Layouts: `closed-first` (every closed contact comes before the open ones in file order, the worst
// case for a claim that walks the priority index) and `interleaved` (one open contact in 20).
// Prints one JSON line per (layout, batch) and the claim's EXPLAIN ANALYZE summary. Drops its database.
// Usage: node bench/release/run.js [contacts=1000000] [openPercent=5] [n=50] [passes=20]
const { randomBytes } = require('node:crypto');
const { Client } = require('pg');
const { createPool, Database, runMigrations } = require('@outdial/service-runtime');
// SCHEDULER_DIST: another build of the scheduler to measure (e.g. a copy of the dist before a change).
const DIST = process.env.SCHEDULER_DIST || require('node:path').join(__dirname, '../../apps/scheduler/dist');
const { SCHEDULER_MIGRATIONS } = require(`${DIST}/persistence/migrations`);
const { ContactsRepository } = require(`${DIST}/persistence/contacts.repository`);

const total = Number(process.argv[2] || 1_000_000);
const openPercent = Number(process.argv[3] || 5);
const n = Number(process.argv[4] || 50);
const passes = Number(process.argv[5] || 20);
const BASE_DB = process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const OPEN = 'America/New_York';
const CLOSED = 'Asia/Tokyo';
const SCHEMA = 'sched_bench';

/** Inserts `count` contacts of `batchId`; `openAt(i)` (SQL over g, 1-based) says which are in the open zone. */
async function seed(db, batchId, count, openSql) {
  await db.query(
    `INSERT INTO "${SCHEMA}".batches (batch_id, org_id, status, agent_id, provider, from_number, settings, concurrency,
       total_contacts, contacts_received, created_at)
     VALUES ($1, 'org-1', 'running', 'agent-1', 'simulated', '+12025550100', '{}'::jsonb, 1000, $2, $2, now())`,
    [batchId, count],
  );
  await db.query(
    `INSERT INTO "${SCHEMA}".contacts (contact_id, batch_id, org_id, row, phone, priority, variables, status, zone_key)
     SELECT $1 || ':' || g, $1, 'org-1', g, '+1202555' || lpad((g % 10000)::text, 4, '0'), 0, '{}'::jsonb, 'pending',
            CASE WHEN ${openSql} THEN '${OPEN}' ELSE '${CLOSED}' END
       FROM generate_series(1, $2::int) AS g`,
    [batchId, count],
  );
  await db.query(
    `INSERT INTO "${SCHEMA}".batch_zones (batch_id, zone_key) VALUES ($1, '${OPEN}'), ($1, '${CLOSED}') ON CONFLICT DO NOTHING`,
    [batchId],
  );
}

function stats(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return {
    p50_ms: +at(0.5).toFixed(2),
    p99_ms: +at(0.99).toFixed(2),
    mean_ms: +(samples.reduce((s, x) => s + x, 0) / samples.length).toFixed(2),
  };
}

/** `passes` release passes over the batch (survey + claim of n, rolled back); their timings. */
async function measure(db, contacts, batchId) {
  const survey = [];
  const claim = [];
  let claimed = 0;
  for (let i = 0; i < passes + 2; i++) {
    const now = new Date();
    const t0 = process.hrtime.bigint();
    await contacts.survey([{ batch_id: batchId, open: [OPEN], never: [], up_to: n }], now);
    const t1 = process.hrtime.bigint();
    const client = await db.pool.connect();
    let t2;
    try {
      await client.query('BEGIN');
      const rows = await contacts.claimReleasable(client, batchId, n, [OPEN], now);
      t2 = process.hrtime.bigint();
      claimed = rows.length;
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
    if (i < 2) continue; // warm-up
    survey.push(Number(t1 - t0) / 1e6);
    claim.push(Number(t2 - t1) / 1e6);
  }
  return { claimed_per_pass: claimed, survey: stats(survey), claim: stats(claim) };
}

/** The claim statement's plan (EXPLAIN ANALYZE, rolled back): total time and rows the scans touched. */
async function explainClaim(db, batchId) {
  const client = await db.pool.connect();
  try {
    await client.query('BEGIN');
    const captured = [];
    const spy = {
      query: (sql, params) => {
        captured.push({ sql, params });
        return client.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`, params).then((r) => ({ rows: [], raw: r }));
      },
    };
    await new ContactsRepository(db).claimReleasable(spy, batchId, n, [OPEN], new Date());
    const plan = (await client.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${captured[0].sql}`, captured[0].params)).rows[0][
      'QUERY PLAN'
    ][0];
    const scans = [];
    const walk = (node) => {
      if (/Scan/.test(node['Node Type']))
        scans.push(
          `${node['Node Type']}${node['Index Name'] ? ` ${node['Index Name']}` : ''}: rows ${node['Actual Rows']} x${node['Actual Loops']}, removed ${node['Rows Removed by Filter'] ?? 0}`,
        );
      for (const child of node.Plans ?? []) walk(child);
    };
    walk(plan.Plan);
    return { execution_ms: +plan['Execution Time'].toFixed(2), scans };
  } finally {
    await client.query('ROLLBACK');
    client.release();
  }
}

async function main() {
  const id = randomBytes(4).toString('hex');
  const dbName = `outdial_bench_release_${id}`;
  const admin = new Client({ connectionString: BASE_DB });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  const url = new URL(BASE_DB);
  url.pathname = `/${dbName}`;
  const db = new Database(createPool(url.toString(), 4), SCHEMA);
  try {
    await runMigrations(db, SCHEDULER_MIGRATIONS);
    const contacts = new ContactsRepository(db);
    const open = Math.round((total * openPercent) / 100);
    const every = Math.round(100 / openPercent);
    const layouts = {
      'closed-first': `g > ${total - open}`,
      interleaved: `g % ${every} = 0`,
    };
    for (const [layout, openSql] of Object.entries(layouts)) await seed(db, `mixed-${layout}`, total, openSql);
    await seed(db, 'open-only', open, 'true');
    await db.query(`ANALYZE "${SCHEMA}".contacts`);
    const results = [];
    const openOnly = await measure(db, contacts, 'open-only');
    results.push({ batch: 'open-only', contacts: open, ...openOnly, plan: await explainClaim(db, 'open-only') });
    for (const layout of Object.keys(layouts)) {
      const r = await measure(db, contacts, `mixed-${layout}`);
      results.push({
        batch: `mixed-${layout}`,
        contacts: total,
        open,
        ...r,
        plan: await explainClaim(db, `mixed-${layout}`),
        claim_p50_vs_open_only: +(r.claim.p50_ms / openOnly.claim.p50_ms).toFixed(2),
        survey_p50_vs_open_only: +(r.survey.p50_ms / openOnly.survey.p50_ms).toFixed(2),
      });
    }
    for (const r of results) console.log(JSON.stringify({ bench: 'release', n, passes, ...r }));
  } finally {
    await db.close();
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
