'use strict';
// Statements and transactions per contact (issue 16), read from pg_stat_statements and
// pg_stat_database while another bench runs. Runs the given bench command as a child, watches for
// the first `outdial_bench_*` database created after it started, snapshots its counters every
// second (the bench drops its database at the end) and prints, per contact:
//   statements_per_contact      every statement of that database (BEGIN/COMMIT/ROLLBACK apart)
//   dialer_statements           those naming the dialer's schema (`"dialer".`), with the top ones
//   begin_per_contact           explicit transactions (all services), xact_per_contact: commits
//                               (explicit + autocommit statements, all services) per contact
// Usage: node bench/dial/pg-statements.js <contacts> -- node bench/scale/run.js 4 500 50 1
// Not a test; pg_stat_statements is per database here, so other benches on the machine do not count.
const { spawn } = require('node:child_process');
const { Client } = require('pg');

const contacts = Number(process.argv[2]);
const sep = process.argv.indexOf('--');
const command = process.argv.slice(sep + 1);
const BASE_DB = process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

async function main() {
  const admin = new Client({ connectionString: BASE_DB });
  await admin.connect();
  const { rows: before } = await admin.query(`SELECT datname FROM pg_database WHERE datname LIKE 'outdial_bench_%'`);
  const existing = new Set(before.map((r) => r.datname));
  const child = spawn(command[0], command.slice(1), { stdio: 'inherit' });
  const done = new Promise((resolve) => child.on('exit', resolve));
  let dbName;
  let oid;
  let last;
  let exited = false;
  void done.then(() => (exited = true));
  while (!exited) {
    await new Promise((r) => setTimeout(r, 1000));
    if (!dbName) {
      const { rows } = await admin.query(
        `SELECT datname, oid FROM pg_database WHERE datname LIKE 'outdial_bench_%' ORDER BY oid`,
      );
      const fresh = rows.find((r) => !existing.has(r.datname));
      if (fresh) ({ datname: dbName, oid } = fresh);
      continue;
    }
    const { rows: statements } = await admin.query(
      `SELECT query, calls::float8 AS calls, total_exec_time::float8 AS ms FROM pg_stat_statements WHERE dbid = $1`,
      [oid],
    );
    const { rows: db } = await admin.query(
      `SELECT xact_commit::float8 AS commits, xact_rollback::float8 AS rollbacks FROM pg_stat_database WHERE datid = $1`,
      [oid],
    );
    if (statements.length > 0 && db.length > 0) last = { statements, db: db[0] };
  }
  await admin.end();
  if (!last) throw new Error('no bench database seen');
  const per = (n) => Math.round((n / contacts) * 100) / 100;
  const control = (q) => /^\s*(BEGIN|COMMIT|ROLLBACK)\b/i.test(q);
  const all = last.statements.filter((s) => !control(s.query));
  const dialer = all.filter((s) => /\b"?dialer"?\./.test(s.query));
  const begins = last.statements.filter((s) => /^\s*BEGIN\b/i.test(s.query)).reduce((a, s) => a + s.calls, 0);
  const sum = (list) => list.reduce((a, s) => a + s.calls, 0);
  console.log(
    JSON.stringify({
      bench: 'pg-statements',
      database: dbName,
      contacts,
      statements_per_contact: per(sum(all)),
      with_begin_commit_per_contact: per(sum(last.statements)),
      dialer_statements_per_contact: per(sum(dialer)),
      dialer_exec_ms_per_contact: per(dialer.reduce((a, s) => a + s.ms, 0)),
      begin_per_contact: per(begins),
      xact_per_contact: per(last.db.commits),
      dialer_top: dialer
        .sort((a, b) => b.calls - a.calls)
        .slice(0, 15)
        .map((s) => ({
          per_contact: per(s.calls),
          mean_ms: Math.round((s.ms / s.calls) * 100) / 100,
          query: s.query.replace(/\s+/g, ' ').slice(0, 110),
        })),
    }),
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
