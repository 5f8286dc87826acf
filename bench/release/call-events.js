'use strict';
// Benchmark (issue 16, call events in groups): the scheduler alone (apps/scheduler/dist, started in
// this process with the runtime's startService, real PostgreSQL and NATS) applying a burst of call
// events: `batches` running batches x 50 contacts, all released (50 in flight each), then every
// call.started and every call.finished published at once. Prints JSON: events/s from the first
// publish to every contact final, PostgreSQL transactions committed per event (pg_stat_database of
// the bench's own database), and this process's CPU per 1,000 events (the scheduler plus the
// publishing, the same in every run). Not a test. Drops its database and streams.
// Usage: node bench/release/call-events.js [batches=20]
// SCHEDULER_DIST: another build of the scheduler to measure (e.g. a copy of the dist before a change,
// placed inside this repository so that its modules resolve).
const path = require('node:path');
const { randomBytes } = require('node:crypto');
const { Client } = require('pg');
const { startService } = require('@outdial/service-runtime');
const { BatchSettings, Subjects } = require('@outdial/contracts');
const { deleteStreams } = require('../support/nats-cleanup');

const DIST = process.env.SCHEDULER_DIST || path.join(__dirname, '../../apps/scheduler/dist');
const { schedulerService } = require(`${DIST}/scheduler-service`);
const batches = Number(process.argv[2] || 20);
const PER_BATCH = 50;
const BASE_DB = process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function main() {
  const id = randomBytes(4).toString('hex');
  const dbName = `outdial_bench_events_${id}`;
  const prefix = `benchev${id}`;
  const admin = new Client({ connectionString: BASE_DB });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  const url = new URL(BASE_DB);
  url.pathname = `/${dbName}`;
  const scheduler = await startService(schedulerService, {
    env: {
      ...process.env,
      DATABASE_URL: url.toString(),
      NATS_PREFIX: prefix,
      LOG_LEVEL: 'error',
      HTTP_PORT: '0',
      SCHEDULER_TICK_MS: '50',
    },
  });
  const publish = (subject, payload) => scheduler.runtime.publisher.publish(subject, payload);
  const query = (sql, params = []) => scheduler.runtime.db.query(sql, params);
  try {
    const total = batches * PER_BATCH;
    await publish(Subjects.orgSettingsChanged, {
      event_id: `org-limits-${id}`,
      org_id: 'org-1',
      max_concurrent_calls: total,
      calls_per_second: 1000,
      compliance_guard: true,
      version: 1,
      at: new Date().toISOString(),
    });
    while ((await query(`SELECT 1 FROM scheduler.orgs`)).length === 0) await sleep(50);
    const settings = { ...new BatchSettings(), bypass_call_guardrails: true, concurrency: PER_BATCH };
    for (let b = 0; b < batches; b++) {
      const batchId = `b${b}`;
      await publish(Subjects.batchIngested, {
        event_id: `ingested:${batchId}`,
        org_id: 'org-1',
        batch_id: batchId,
        name: batchId,
        agent_id: 'agent-1',
        provider: 'simulated',
        from_number: '+12025550100',
        initial_status: 'running',
        settings,
        total_contacts: PER_BATCH,
        chunk_count: 1,
        variable_columns: [],
        validation: {
          total_rows: PER_BATCH,
          valid_rows: PER_BATCH,
          invalid_rows: 0,
          duplicate_rows: 0,
          empty_rows: 0,
          suppressed_rows: 0,
        },
        estimated_cost: 0,
        created_at: new Date().toISOString(),
      });
      await publish(Subjects.contactsChunk, {
        event_id: `chunk:${batchId}`,
        org_id: 'org-1',
        batch_id: batchId,
        chunk_index: 0,
        chunk_count: 1,
        contacts: Array.from({ length: PER_BATCH }, (_, i) => ({
          contact_id: `${batchId}-c${i + 1}`,
          row: i + 1,
          phone: `+1415555${String(1000 + i).padStart(4, '0')}`,
          priority: 0,
          variables: {},
          status: 'pending',
        })),
      });
    }
    const deadline = Date.now() + 120_000;
    while (
      Number((await query(`SELECT count(*) AS n FROM scheduler.contacts WHERE status = 'dialing'`))[0].n) < total
    ) {
      if (Date.now() > deadline) throw new Error('contacts not all released');
      await sleep(100);
    }
    const attempts = await query(`SELECT contact_id, batch_id, attempts FROM scheduler.contacts`);
    const xacts = async () =>
      Number((await query(`SELECT xact_commit FROM pg_stat_database WHERE datname = $1`, [dbName]))[0].xact_commit);
    await query('SELECT pg_stat_clear_snapshot()');
    const xactsBefore = await xacts();
    const cpuBefore = process.cpuUsage();
    const t0 = Date.now();
    const base = (a) => ({
      org_id: 'org-1',
      attempt_id: `${a.contact_id}:${a.attempts}`,
      batch_id: a.batch_id,
      contact_id: a.contact_id,
      attempt: a.attempts,
      provider: 'simulated',
    });
    await Promise.all(
      attempts.map((a) =>
        publish(Subjects.callStarted, {
          ...base(a),
          event_id: `started:${a.contact_id}`,
          provider_call_id: `call-${a.contact_id}`,
          started_at: new Date().toISOString(),
        }),
      ),
    );
    await Promise.all(
      attempts.map((a) =>
        publish(Subjects.callFinished, {
          ...base(a),
          event_id: `finished:${a.contact_id}`,
          outcome: 'completed',
          ended_at: new Date().toISOString(),
          duration_seconds: 1,
        }),
      ),
    );
    while (
      Number((await query(`SELECT count(*) AS n FROM scheduler.contacts WHERE status = 'completed'`))[0].n) < total
    ) {
      if (Date.now() > deadline + 120_000) throw new Error('contacts not all final');
      await sleep(20);
    }
    const elapsedMs = Date.now() - t0;
    const cpu = process.cpuUsage(cpuBefore);
    await sleep(1000); // pg_stat_database is updated by the backends with a delay
    await query('SELECT pg_stat_clear_snapshot()');
    const committed = (await xacts()) - xactsBefore;
    const events = 2 * total;
    console.log(
      JSON.stringify({
        bench: 'call-events',
        dist: DIST,
        batches,
        events,
        elapsed_ms: elapsedMs,
        events_per_second: Math.round((events / elapsedMs) * 1000),
        transactions_per_event: +(committed / events).toFixed(2),
        process_cpu_seconds_per_1000_events: +(((cpu.user + cpu.system) / 1e6 / events) * 1000).toFixed(2),
      }),
    );
  } finally {
    await scheduler.app.close();
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
    await deleteStreams(prefix);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
