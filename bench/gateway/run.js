'use strict';
// Benchmark: GET /api/batch-calls/{id} through the gateway (HTTP, auth, rate-limit interceptor,
// RPC to reporting) with autocannon, beside the same query asked of reporting directly over NATS
// request/reply (what the gateway does inside), with the same number of requests in flight. The
// ratio is the gateway's own cost. Not a test; figures depend on the machine (and on whatever else
// runs on it: the CPU is shared).
// Usage: node bench/gateway/run.js [seconds=10] [connections=10]
const { randomBytes } = require('node:crypto');
const { Client } = require('pg');
const autocannon = require('autocannon');
const { launchPlatform, bootstrapDefaultOrg } = require('../../scripts/platform-launcher');
const { deleteStreams } = require('../support/nats-cleanup');
const { NatsBus, RpcClient, createLogger } = require('../../packages/service-runtime/dist');
const { Subjects } = require('../../packages/contracts/dist');

const seconds = Number(process.argv[2] || 10);
const connections = Number(process.argv[3] || 10);

function percentile(sorted, p) {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** `connections` loops asking reporting directly, for `ms`; latencies in ms. */
async function direct(rpc, query, ms) {
  const latencies = [];
  let errors = 0;
  const end = Date.now() + ms;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (Date.now() < end) {
        const t0 = process.hrtime.bigint();
        try {
          await rpc.request(Subjects.reportingGetBatch, query);
          latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
        } catch {
          errors++;
        }
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  return {
    requests_per_second: Math.round(latencies.length / (ms / 1000)),
    p50_ms: +percentile(latencies, 50).toFixed(2),
    p99_ms: +percentile(latencies, 99).toFixed(2),
    errors,
  };
}

async function viaGateway(url, token, ms) {
  const result = await autocannon({
    url,
    connections,
    duration: Math.round(ms / 1000),
    headers: { authorization: `Bearer ${token}` },
  });
  return {
    requests_per_second: Math.round(result.requests.average),
    p50_ms: result.latency.p50,
    p99_ms: result.latency.p99,
    errors: result.errors + result.timeouts + (result.non2xx ?? 0),
    status_codes: Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, s]) => [code, s.count])),
  };
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
    // Measure the gateway's path, not the per-token rate limit.
    GATEWAY_RATE_LIMIT_PER_SECOND: '0',
  };
  const token = `bench-${id}`;
  bootstrapDefaultOrg(env, token);
  const platform = await launchPlatform({ env, dialerReplicas: 1, stdio: 'pipe' });
  const bus = await NatsBus.connect(
    process.env.NATS_URL || 'nats://127.0.0.1:4222',
    prefix,
    'bench-gateway',
    createLogger('bench', 'error'),
  );
  try {
    // A batch of 100 contacts scheduled a day ahead: a real status to read, no calls competing for CPU.
    const rows = ['phone,name'];
    for (let i = 0; i < 100; i++) rows.push(`+1415${String(3000000 + i).padStart(7, '0')},Contact ${i}`);
    const form = new FormData();
    form.append('file', new Blob([rows.join('\n')], { type: 'text/csv' }), 'bench.csv');
    form.append('agent_id', 'agent-demo');
    form.append('scheduled_start_time', new Date(Date.now() + 86_400_000).toISOString());
    const created = await (
      await fetch(`${platform.gatewayUrl}/api/batch-calls`, {
        method: 'POST',
        body: form,
        headers: { Authorization: `Bearer ${token}` },
      })
    ).json();
    if (!created.batch_id) throw new Error(JSON.stringify(created));
    const url = `${platform.gatewayUrl}/api/batch-calls/${created.batch_id}`;
    const rpc = new RpcClient(bus);
    const query = { org_id: 'default', batch_id: created.batch_id };

    // Warm-up: JIT, pools, connections.
    await viaGateway(url, token, 2000);
    await direct(rpc, query, 2000);
    const ms = seconds * 1000;
    const gateway = await viaGateway(url, token, ms);
    const reporting = await direct(rpc, query, ms);
    // The gateway's HTTP floor: a route with no token check and no RPC behind it.
    const floor = await viaGateway(`${platform.gatewayUrl}/health/live`, token, ms);
    console.log(
      JSON.stringify({
        bench: 'gateway',
        route: 'GET /api/batch-calls/{id}',
        connections,
        seconds,
        through_gateway: gateway,
        reporting_rpc_direct: reporting,
        gateway_http_floor_health_live: floor,
        throughput_ratio_gateway_over_direct: +(gateway.requests_per_second / reporting.requests_per_second).toFixed(3),
        p99_ratio_gateway_over_direct: +(gateway.p99_ms / reporting.p99_ms).toFixed(2),
        cpus: require('node:os').cpus().length,
        load_average_1m: +require('node:os').loadavg()[0].toFixed(1),
        note: 'all five services, PostgreSQL, NATS and the load generators share these CPUs',
      }),
    );
  } finally {
    await bus.close();
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
