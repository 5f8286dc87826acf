'use strict';
// Starts the five Outdial services as separate processes (one per dialer replica), waits until
// each answers /health/ready, and stops them all on request. Used by `npm start` and by the
// end-to-end tests.
const { spawn, execFileSync } = require('node:child_process');
const net = require('node:net');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');

const SERVICES = ['ingest', 'scheduler', 'reporting', 'dialer', 'gateway'];

function entryOf(service) {
  return path.join(ROOT, 'apps', service, 'dist', 'main.js');
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Fixed ports for `npm start`, after the gateway's (8010: ingest 8011, scheduler 8012, reporting
 * 8014, dialer replicas from 8020), so a second platform on another GATEWAY_PORT does not collide;
 * free ones for tests. More scheduler replicas get 8041.., more reporting replicas 8056.., and with
 * more than one gateway the balancer keeps 8010 while the gateways listen on 8070.. (internal).
 */
async function assignPorts(dialerReplicas, fixed, gatewayPort, schedulerReplicas = 1, counts = {}) {
  const gatewayReplicas = counts.gatewayReplicas ?? 1;
  const reportingReplicas = counts.reportingReplicas ?? 1;
  const balanced = counts.balanced ?? gatewayReplicas > 1;
  if (fixed) {
    const schedulers = Array.from({ length: schedulerReplicas }, (_, i) =>
      i === 0 ? gatewayPort + 2 : gatewayPort + 30 + i,
    );
    const reportings = Array.from({ length: reportingReplicas }, (_, i) =>
      i === 0 ? gatewayPort + 4 : gatewayPort + 55 + i,
    );
    return {
      gateway: gatewayPort,
      gateways: Array.from({ length: gatewayReplicas }, (_, i) => (balanced ? gatewayPort + 70 + i : gatewayPort)),
      ingest: gatewayPort + 1,
      scheduler: schedulers[0],
      schedulers,
      reporting: reportings[0],
      reportings,
      dialers: Array.from({ length: dialerReplicas }, (_, i) => gatewayPort + 10 + i),
    };
  }
  const ports = {
    gateway: await freePort(),
    gateways: [],
    ingest: await freePort(),
    schedulers: [],
    reportings: [],
    dialers: [],
  };
  for (let i = 0; i < schedulerReplicas; i++) ports.schedulers.push(await freePort());
  ports.scheduler = ports.schedulers[0];
  for (let i = 0; i < reportingReplicas; i++) ports.reportings.push(await freePort());
  ports.reporting = ports.reportings[0];
  for (let i = 0; i < dialerReplicas; i++) ports.dialers.push(await freePort());
  if (balanced) for (let i = 0; i < gatewayReplicas; i++) ports.gateways.push(await freePort());
  else ports.gateways.push(ports.gateway);
  return ports;
}

/**
 * The public gateway port when more than one gateway runs: a TCP balancer (node:net, no HTTP
 * parsing) that hands each new client connection to the next gateway that is up (round robin),
 * tries the next one when a connect is refused or takes over 2 s, and then pipes bytes both ways,
 * so keep-alive connections, uploads, SSE and WebSocket streams pass through unchanged. A
 * connection stays on the gateway it was given; when that gateway dies, its connections are cut
 * (the requests in flight on them fail) and new ones go to the others. `backends()` gives the
 * gateway handles ({port, up, host?: default 127.0.0.1}); `up` is kept by the launcher (false from exit until
 * ready again).
 * Resolves once listening.
 */
function startBalancer({ port, host, backends }) {
  let next = 0;
  const open = new Set();
  const server = net.createServer({ allowHalfOpen: true }, (client) => {
    open.add(client);
    client.on('close', () => open.delete(client));
    client.on('error', () => undefined);
    const all = backends();
    const up = all.filter((b) => b.up);
    // Round robin over the gateways that are up; when none is, every one is tried (one may be restarting).
    const pool = up.length > 0 ? up : all;
    const start = next++ % pool.length;
    const order = pool.map((_, i) => pool[(start + i) % pool.length]);
    const attempt = (i) => {
      if (client.destroyed) return;
      if (i >= order.length) return client.destroy();
      const upstream = net.connect({ port: order[i].port, host: order[i].host || '127.0.0.1', allowHalfOpen: true });
      let connected = false;
      upstream.setTimeout(2_000, () => {
        if (!connected) upstream.destroy(new Error('connect timeout'));
      });
      upstream.once('connect', () => {
        connected = true;
        upstream.setTimeout(0);
        if (client.destroyed) return upstream.destroy();
        upstream.setNoDelay(true);
        client.setNoDelay(true);
        client.pipe(upstream);
        upstream.pipe(client);
        client.on('close', () => upstream.destroy());
        upstream.on('close', (hadError) => {
          if (hadError) client.destroy();
        });
      });
      upstream.on('error', () => {
        if (!connected) attempt(i + 1);
        else client.destroy();
      });
    };
    attempt(0);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve({
        server,
        /** Stops accepting; connections already open keep flowing (their gateway drains them). */
        stopAccepting: () => server.close(),
        /** Stops accepting and cuts every open connection. */
        close: () => {
          server.close();
          for (const socket of open) socket.destroy();
        },
      });
    });
  });
}

async function waitReady(url, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`${url} exited (${child.signalCode || `code ${child.exitCode}`}) before it was ready`);
    try {
      const response = await fetch(url);
      if (response.status === 200) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`${url} not ready within ${timeoutMs} ms`);
}

/**
 * Each service's V8 heap limit (SERVICE_HEAP_MB, default 512; 0 = V8's own default). Sized like a
 * container's memory: with the default of a quarter of the machine's RAM, V8 lets the old generation
 * fill with garbage for hundreds of MB before collecting (the gateway sat at ~220 MB after a burst
 * of API reads, ~145 MB with this limit). Every service's live data is far below it.
 * SERVICE_NODE_ARGS adds node flags to every service, for profiling (`--cpu-prof --cpu-prof-dir=DIR`:
 * NODE_OPTIONS refuses --cpu-prof).
 */
function heapArgs(env) {
  const heapMb = Number(env.SERVICE_HEAP_MB ?? 512);
  if (!Number.isInteger(heapMb) || heapMb < 0)
    throw new Error(`SERVICE_HEAP_MB must be a whole number of MB (0 = V8's default), not "${env.SERVICE_HEAP_MB}"`);
  const extra = env.SERVICE_NODE_ARGS ? env.SERVICE_NODE_ARGS.split(/\s+/).filter(Boolean) : [];
  return [...(heapMb > 0 ? [`--max-old-space-size=${heapMb}`] : []), ...extra];
}

/** Supervision defaults: restart after 0.5 s, doubling up to 10 s; give up after 5 exits in 60 s. */
const SUPERVISE_DEFAULTS = {
  backoffMs: 500,
  maxBackoffMs: 10_000,
  maxCrashes: 5,
  windowMs: 60_000,
  onEvent: () => undefined,
};

/**
 * @param {object} options
 * @param {Record<string,string>} [options.env] environment for every service (DATABASE_URL, NATS_PREFIX, SIM_TIME_SCALE, ...)
 * @param {number} [options.dialerReplicas]
 * @param {number} [options.schedulerReplicas] scheduler processes (default 1; names scheduler-0… when more): releases,
 *   completions and lifecycle actions are exact across replicas (batch row locks, SKIP LOCKED claims, RPC queue group)
 * @param {number} [options.gatewayReplicas] gateway processes (default 1; names gateway-0… when more): with more than
 *   one, the launcher's TCP balancer listens on the public port and spreads connections over them (startBalancer)
 * @param {boolean} [options.balanced] put the balancer in front even of a single gateway (default: only with 2+)
 * @param {number} [options.readyTimeoutMs] how long a process may take to answer /health/ready (default 60 s)
 * @param {number} [options.reportingReplicas] reporting processes (default 1; names reporting-0… when more)
 * @param {boolean} [options.fixedPorts] use 8010-8014/8020+ (npm start) instead of free ports (tests)
 * @param {number} [options.gatewayPort]
 * @param {'inherit'|'ignore'|'pipe'} [options.stdio]
 * @param {(service: string, line: string) => void} [options.onLog] with stdio 'pipe'
 * @param {boolean|{backoffMs?: number, maxBackoffMs?: number, maxCrashes?: number, windowMs?: number,
 *   onEvent?: (event: {type: 'restarting'|'restarted'|'restart-failed'|'give-up', name: string}) => void}} [options.supervise]
 *   restart crashed processes (npm start); off by default so fault tests keep the processes they kill down
 */
/**
 * CLOCK_START_AT (an ISO instant with Z or an offset) becomes one CLOCK_OFFSET_MS for every
 * process: started one after another, each would otherwise start its clock at that instant at a
 * different real moment, and a restarted process would go back in time.
 */
function shareClock(env) {
  if (!env.CLOCK_START_AT) return;
  if (env.CLOCK_OFFSET_MS && env.CLOCK_OFFSET_MS !== '0')
    throw new Error('set CLOCK_START_AT or CLOCK_OFFSET_MS, not both');
  const at = /(Z|[+-]\d{2}:?\d{2})$/.test(env.CLOCK_START_AT) ? Date.parse(env.CLOCK_START_AT) : Number.NaN;
  if (Number.isNaN(at))
    throw new Error(`CLOCK_START_AT must be an ISO 8601 instant with Z or a UTC offset, not "${env.CLOCK_START_AT}"`);
  env.CLOCK_OFFSET_MS = String(at - Date.now());
  delete env.CLOCK_START_AT;
}

async function launchPlatform(options = {}) {
  const env = { ...process.env, ...(options.env || {}) };
  shareClock(env);
  const dialerReplicas = options.dialerReplicas ?? 1;
  const schedulerReplicas = options.schedulerReplicas ?? 1;
  const gatewayReplicas = options.gatewayReplicas ?? 1;
  const reportingReplicas = options.reportingReplicas ?? 1;
  const balanced = options.balanced ?? gatewayReplicas > 1;
  const readyTimeoutMs = options.readyTimeoutMs ?? 60_000;
  const ports = await assignPorts(
    dialerReplicas,
    options.fixedPorts ?? false,
    options.gatewayPort ?? 8010,
    schedulerReplicas,
    {
      gatewayReplicas,
      reportingReplicas,
      balanced,
    },
  );
  let balancer;
  // Providers call back through the gateway: unless told otherwise, its address here.
  if (!env.PUBLIC_BASE_URL) env.PUBLIC_BASE_URL = `http://127.0.0.1:${ports.gateway}`;
  const processes = [];

  const supervise = options.supervise
    ? { ...SUPERVISE_DEFAULTS, ...(options.supervise === true ? {} : options.supervise) }
    : undefined;
  let stopping = false;

  const spawnChild = (handle) => {
    const child = spawn(process.execPath, [...heapArgs(env), entryOf(handle.service)], {
      cwd: ROOT,
      env: {
        ...env,
        HTTP_PORT: String(handle.port),
        REPLICA_ID: String(handle.replicaId ?? 0),
        // The gateway serves the public port itself, unless the balancer does (then it is internal like the rest).
        ...(handle.service === 'gateway' && !balanced ? {} : { HTTP_HOST: env.SERVICE_HTTP_HOST || '127.0.0.1' }),
      },
      stdio: [
        'ignore',
        options.stdio === 'inherit' ? 'inherit' : 'pipe',
        options.stdio === 'inherit' ? 'inherit' : 'pipe',
      ],
    });
    if (options.stdio !== 'inherit') {
      for (const stream of [child.stdout, child.stderr]) {
        let buffered = '';
        stream.on('data', (chunk) => {
          buffered += chunk.toString();
          let nl;
          while ((nl = buffered.indexOf('\n')) >= 0) {
            const line = buffered.slice(0, nl);
            buffered = buffered.slice(nl + 1);
            if (options.onLog) options.onLog(handle.name, line);
          }
        });
      }
    }
    handle.child = child;
    handle.pid = child.pid;
    child.once('exit', (code, signal) => {
      if (handle.child === child) handle.up = false;
      onExit(handle, child, code, signal);
    });
    return child;
  };

  /**
   * Supervision (`options.supervise`): a service process that exits while the platform is not
   * stopping is started again on the same port after a backoff (0.5 s, 1 s, 2 s, ... capped), while
   * the others keep serving; after `maxCrashes` exits within `windowMs` it is given up on and
   * `onGiveUp` decides (npm start stops the platform). Processes stopped with `stopOne` stay down.
   */
  const onExit = (handle, child, code, signal) => {
    if (stopping || handle.stoppedOnPurpose || handle.child !== child || !supervise || !handle.ready) return;
    const now = Date.now();
    handle.crashes = (handle.crashes || []).filter((t) => now - t < supervise.windowMs);
    handle.crashes.push(now);
    const reason = signal || `code ${code}`;
    if (handle.crashes.length > supervise.maxCrashes) {
      supervise.onEvent({
        type: 'give-up',
        name: handle.name,
        reason,
        crashes: handle.crashes.length,
        windowMs: supervise.windowMs,
      });
      return;
    }
    const delayMs = Math.min(supervise.maxBackoffMs, supervise.backoffMs * 2 ** (handle.crashes.length - 1));
    supervise.onEvent({
      type: 'restarting',
      name: handle.name,
      reason,
      delayMs,
      crashes: handle.crashes.length,
      windowMs: supervise.windowMs,
    });
    handle.restartTimer = setTimeout(async () => {
      handle.restartTimer = undefined;
      if (stopping || handle.stoppedOnPurpose) return;
      const started = Date.now();
      const next = spawnChild(handle);
      try {
        await waitReady(`${handle.url}/health/ready`, next, readyTimeoutMs);
        if (handle.child === next) handle.up = true;
        supervise.onEvent({ type: 'restarted', name: handle.name, pid: next.pid, readyMs: Date.now() - started });
      } catch (error) {
        if (handle.child === next && next.exitCode === null && next.signalCode === null) next.kill('SIGKILL');
        supervise.onEvent({ type: 'restart-failed', name: handle.name, reason: error.message });
      }
    }, delayMs);
  };

  const start = (service, port, replicaId) => {
    const name = replicaId === undefined ? service : `${service}-${replicaId}`;
    const handle = { name, service, port, replicaId, url: `http://127.0.0.1:${port}`, ready: false };
    spawnChild(handle);
    processes.push(handle);
    return handle;
  };

  const whenReady = async (handle) => {
    await waitReady(`${handle.url}/health/ready`, handle.child, readyTimeoutMs);
    handle.ready = true;
    handle.up = true;
  };

  // Ingest first alone: the first start creates the database and provisions the streams.
  try {
    const first = start('ingest', ports.ingest);
    await whenReady(first);
    const rest = ports.schedulers.map((port, i) => start('scheduler', port, schedulerReplicas > 1 ? i : undefined));
    ports.reportings.forEach((port, i) => rest.push(start('reporting', port, reportingReplicas > 1 ? i : undefined)));
    ports.dialers.forEach((port, i) => rest.push(start('dialer', port, i)));
    ports.gateways.forEach((port, i) => rest.push(start('gateway', port, gatewayReplicas > 1 ? i : undefined)));
    await Promise.all(rest.map((p) => whenReady(p)));
    if (balanced) {
      balancer = await startBalancer({
        port: ports.gateway,
        // Where the gateway itself would listen (its HTTP_HOST default): every interface.
        host: env.HTTP_HOST || '0.0.0.0',
        // Live list: a gateway added with startReplica joins the rotation.
        backends: () => processes.filter((p) => p.service === 'gateway' && !p.stoppedOnPurpose),
      });
    }
  } catch (error) {
    stopping = true;
    if (balancer) balancer.close();
    // A service that cannot start takes the others down with it: no orphan processes left behind.
    for (const p of processes) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    throw error;
  }

  const stopOne = (handle, signal = 'SIGTERM', timeoutMs = 20_000) =>
    new Promise((resolve) => {
      handle.stoppedOnPurpose = true;
      if (handle.restartTimer) clearTimeout(handle.restartTimer);
      if (handle.child.exitCode !== null || handle.child.signalCode !== null) return resolve();
      const timer = setTimeout(() => handle.child.kill('SIGKILL'), timeoutMs);
      handle.child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      handle.child.kill(signal);
    });

  return {
    ports,
    processes,
    gatewayUrl: `http://127.0.0.1:${ports.gateway}`,
    /** True when the public port is the launcher's balancer (2+ gateways, or `balanced`). */
    balanced,
    /** Starts one more replica of a service (e.g. a dialer) and waits until it is ready. */
    async startReplica(service, replicaId) {
      const handle = start(service, await freePort(), replicaId);
      await whenReady(handle);
      return handle;
    },
    stopOne,
    /** Stops the gateway first (no new requests), then the rest together, each draining its work. */
    async stop() {
      stopping = true;
      for (const p of processes) if (p.restartTimer) clearTimeout(p.restartTimer);
      if (balancer) balancer.stopAccepting();
      await Promise.all(processes.filter((p) => p.service === 'gateway').map((p) => stopOne(p)));
      if (balancer) balancer.close();
      await Promise.all(processes.filter((p) => p.service !== 'gateway').map((p) => stopOne(p)));
    },
  };
}

/** Runs the admin CLI's bootstrap (database, gateway schema, default org); returns its JSON. */
function bootstrapDefaultOrg(env, token) {
  const args = [path.join(ROOT, 'apps', 'gateway', 'dist', 'handlers', 'cli', 'admin.js'), 'bootstrap'];
  if (token) args.push('--token', token);
  const out = execFileSync(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop());
}

/**
 * `node scripts/platform-launcher.js balance PORT HOST:PORT`: the balancer alone, in front of the
 * gateways that HOST resolves to (every address, looked up again every 2 s): docker compose's
 * `gateway-lb` in front of `--scale gateway=N`, whose service name resolves to each replica.
 */
async function balanceFromCommandLine([port, target]) {
  const dns = require('node:dns').promises;
  const [host, backendPort] = (target || '').split(':');
  if (!Number(port) || !host || !Number(backendPort)) {
    console.error('usage: node scripts/platform-launcher.js balance PORT HOST:PORT');
    process.exit(64);
  }
  let backends = [];
  const refresh = async () => {
    try {
      const addresses = await dns.lookup(host, { all: true });
      backends = addresses.map((a) => ({ host: a.address, port: Number(backendPort), up: true }));
    } catch {
      /* keep the last answer while the name does not resolve */
    }
  };
  await refresh();
  setInterval(refresh, 2_000).unref();
  const balancer = await startBalancer({ port: Number(port), host: '0.0.0.0', backends: () => backends });
  console.log(`balancing :${port} over ${host}:${backendPort} (${backends.length} address(es) now)`);
  const stop = () => {
    balancer.close();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

if (require.main === module && process.argv[2] === 'balance') {
  balanceFromCommandLine(process.argv.slice(3)).catch((error) => {
    console.error(error.message);
    process.exit(1);
  });
}

module.exports = { launchPlatform, bootstrapDefaultOrg, shareClock, startBalancer, SERVICES };
