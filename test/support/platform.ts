import { randomBytes } from 'node:crypto';

import { Client } from 'pg';

import { createIsolatedEnv, IsolatedEnv } from './isolated-env';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { launchPlatform, bootstrapDefaultOrg } = require('../../scripts/platform-launcher');

export interface ServiceProcess {
  name: string;
  service: string;
  port: number;
  url: string;
  child: import('node:child_process').ChildProcess;
}

export interface RunningPlatform {
  env: IsolatedEnv;
  token: string;
  gatewayUrl: string;
  processes: ServiceProcess[];
  logs: string[];
  db: Client;
  stopOne(handle: ServiceProcess, signal?: string): Promise<void>;
  startReplica(service: string, replicaId: number): Promise<ServiceProcess>;
  stop(): Promise<void>;
}

/**
 * The five services as separate processes against an isolated database and NATS prefix, with
 * the simulated provider sped up. Tests talk to it through the public HTTP API only (plus the
 * simulated carrier's own log, read from its table, to measure what the "carrier" saw).
 */
export async function startPlatform(
  label: string,
  options: { env?: Record<string, string>; dialerReplicas?: number; schedulerReplicas?: number } = {},
): Promise<RunningPlatform> {
  const env = await createIsolatedEnv(label);
  const token = `od_test_${label}_${Date.now()}`;
  const serviceEnv = {
    DATABASE_URL: env.databaseUrl,
    NATS_URL: env.natsUrl,
    NATS_PREFIX: env.prefix,
    LOG_LEVEL: 'warn',
    SIM_TIME_SCALE: '0.02',
    // A key of the run's own, as a deployment has (without one the services warn about the development key).
    OUTDIAL_SECRETS_KEY: randomBytes(32).toString('base64'),
    ...options.env,
  };
  bootstrapDefaultOrg(serviceEnv, token);
  const logs: string[] = [];
  const platform = await launchPlatform({
    env: serviceEnv,
    dialerReplicas: options.dialerReplicas ?? 1,
    schedulerReplicas: options.schedulerReplicas ?? 1,
    stdio: 'pipe',
    onLog: (service: string, line: string) => {
      logs.push(`${service}: ${line}`);
      if (logs.length > 5000) logs.shift();
    },
  });
  const db = new Client({ connectionString: env.databaseUrl });
  await db.connect();
  return {
    env,
    token,
    gatewayUrl: platform.gatewayUrl,
    processes: platform.processes,
    logs,
    db,
    stopOne: platform.stopOne,
    startReplica: platform.startReplica,
    async stop() {
      await db.end().catch(() => undefined);
      await platform.stop();
      await env.cleanup();
    },
  };
}

export async function api(
  platform: RunningPlatform,
  path: string,
  init: RequestInit = {},
): Promise<{ status: number; body: any; text: string; headers: Headers }> {
  const response = await fetch(`${platform.gatewayUrl}${path}`, {
    ...init,
    headers: { Authorization: `Bearer ${platform.token}`, ...(init.headers as Record<string, string>) },
  });
  const text = await response.text();
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: response.status, body, text, headers: response.headers };
}

export async function uploadCsv(
  platform: RunningPlatform,
  csv: string,
  fields: Record<string, string>,
): Promise<{ status: number; body: any }> {
  const form = new FormData();
  form.append('file', new Blob([csv], { type: 'text/csv' }), 'contacts.csv');
  // Calling windows would make a test depend on the hour it runs at: tests lift them unless they
  // are about windows (and then pass bypass_call_guardrails=false with their own call_timing).
  const withDefaults = { bypass_call_guardrails: 'true', ...fields };
  for (const [k, v] of Object.entries(withDefaults)) form.append(k, v);
  return api(platform, '/api/batch-calls', { method: 'POST', body: form });
}

export async function waitForBatch(
  platform: RunningPlatform,
  batchId: string,
  status: string,
  timeoutMs = 120_000,
): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  let last: any;
  while (Date.now() < deadline) {
    const response = await api(platform, `/api/batch-calls/${batchId}`);
    last = response.body;
    if (response.status === 200 && response.body.status === status) return response.body;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(
    `batch ${batchId} not ${status} within ${timeoutMs} ms; last: ${JSON.stringify(last)}\n${platform.logs.slice(-40).join('\n')}`,
  );
}

/** Largest number of calls in progress at once, from [start, end] intervals. */
export function maxOverlap(intervals: { start: Date; end: Date }[]): number {
  const points: [number, number][] = [];
  for (const { start, end } of intervals) {
    points.push([start.getTime(), 1], [end.getTime(), -1]);
  }
  // An end at the same instant as a start frees the slot first.
  points.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let current = 0;
  let max = 0;
  for (const [, delta] of points) {
    current += delta;
    max = Math.max(max, current);
  }
  return max;
}

/** Parses CSV text (RFC 4180) into records. */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      record.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      record.push(field);
      records.push(record);
      record = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  return records;
}
