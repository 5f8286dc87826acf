'use strict';
// Benchmark for issue 15: what the launcher's TCP balancer and the shared (PostgreSQL) rate limit
// cost. One platform with one gateway behind the balancer (`balanced: true`): the same route asked
// through the balancer's port and of the gateway's own port, alternately, with autocannon; then the
// rate-limit statement alone (RateLimitBucketsRepository.take) against a plain `SELECT 1`, one at a
// time, from this process. Not a test; figures depend on the machine and on what else runs on it.
// Usage: node bench/gateway/replicas.js [seconds=5] [connections=10] [rounds=2]
// BENCH_RATE_LIMIT=off runs the same with the rate limit off (no statement per request): the
// request path as it was before the limit moved to PostgreSQL, give or take the in-memory bucket.
const { randomBytes } = require('node:crypto');
const os = require('node:os');
const { Client } = require('pg');
const autocannon = require('autocannon');
const { launchPlatform, bootstrapDefaultOrg } = require('../../scripts/platform-launcher');
const { deleteStreams } = require('../support/nats-cleanup');
const { Database, createPool } = require('../../packages/service-runtime/dist');
const { RateLimitBucketsRepository } = require('../../apps/gateway/dist/persistence/rate-limit-buckets.repository');

const seconds = Number(process.argv[2] || 5);
const connections = Number(process.argv[3] || 10);
const rounds = Number(process.argv[4] || 2);

async function load(url, token) {
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    headers: { authorization: `Bearer ${token}` },
  });
  return {
    requests_per_second: Math.round(result.requests.average),
    p50_ms: result.latency.p50,
    p99_ms: result.latency.p99,
    errors: result.errors + result.timeouts + (result.non2xx ?? 0),
  };
}

async function perStatement(fn, n) {
  const latencies = [];
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    await fn(i);
    latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  latencies.sort((a, b) => a - b);
  return { p50_ms: +latencies[Math.floor(n / 2)].toFixed(3), p99_ms: +latencies[Math.floor(n * 0.99)].toFixed(3) };
}

async function main() {
  const id = randomBytes(4).toString('hex');
  const dbName = `outdial_bench_${id}`;
  const admin = new Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  const prefix = `bench${id}`;
  const env = {
    DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${dbName}`,
    NATS_PREFIX: prefix,
    LOG_LEVEL: 'error',
    // The rate limit is on (its statement runs on every request) but never refuses; or off.
    GATEWAY_RATE_LIMIT_PER_SECOND: process.env.BENCH_RATE_LIMIT === 'off' ? '0' : '1000000',
    GATEWAY_RATE_LIMIT_BURST: '1000000000',
  };
  const token = `bench-${id}`;
  bootstrapDefaultOrg(env, token);
  const platform = await launchPlatform({ env, balanced: true, stdio: 'pipe', readyTimeoutMs: 180_000 });
  const db = new Database(createPool(env.DATABASE_URL, 2), 'gateway');
  try {
    const gateway = platform.processes.find((p) => p.service === 'gateway');
    const route = '/api/org';
    await load(`${platform.gatewayUrl}${route}`, token); // warm-up
    const through = [];
    const direct = [];
    for (let r = 0; r < rounds; r++) {
      direct.push(await load(`${gateway.url}${route}`, token));
      through.push(await load(`${platform.gatewayUrl}${route}`, token));
    }
    const buckets = new RateLimitBucketsRepository(db);
    const n = 2000;
    const selectOne = await perStatement(() => db.query('SELECT 1'), n);
    const take = await perStatement((i) => buckets.take(`bench-${i % 50}`, 50, 100), n);
    const sum = (xs, k) => Math.round(xs.reduce((a, x) => a + x[k], 0) / xs.length);
    console.log(
      JSON.stringify({
        bench: 'gateway-replicas',
        route: `GET ${route}`,
        rate_limit: env.GATEWAY_RATE_LIMIT_PER_SECOND === '0' ? 'off' : 'on (PostgreSQL bucket)',
        connections,
        seconds_per_run: seconds,
        rounds,
        gateway_port_direct: direct,
        through_balancer: through,
        throughput_ratio_balancer_over_direct: +(
          sum(through, 'requests_per_second') / sum(direct, 'requests_per_second')
        ).toFixed(3),
        rate_limit_statement: take,
        select_1: selectOne,
        cpus: os.cpus().length,
        load_average_1m: +os.loadavg()[0].toFixed(1),
        note: 'all services, PostgreSQL, NATS and the load generator share these CPUs',
      }),
    );
  } finally {
    await db.close();
    await platform.stop();
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
    await deleteStreams(prefix);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
