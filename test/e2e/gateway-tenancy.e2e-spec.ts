import { execFileSync } from 'node:child_process';
import path from 'node:path';

import WebSocket from 'ws';

import { api, RunningPlatform, startPlatform, uploadCsv } from '../support/platform';

/**
 * Tenancy and roles across the whole API, driven by the OpenAPI document the running gateway
 * serves (which its integration test proves lists every registered route): a route added later is
 * covered without touching this file, and a route this file cannot exercise fails the test
 * instead of being skipped.
 */
const ADMIN_CLI = path.join(__dirname, '..', '..', 'apps', 'gateway', 'dist', 'handlers', 'cli', 'admin.js');
const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/** Routes deliberately outside these checks, each with its reason. */
const NOT_ORG_SCOPED: Record<string, string> = {
  '/health/live': 'operational, no token',
  '/health/ready': 'operational, no token',
  '/metrics': 'operational, no token',
};

interface Operation {
  method: string;
  path: string;
  op: any;
}

describe('gateway: tenancy and roles on every route', () => {
  let platform: RunningPlatform;
  let ops: Operation[];
  const ids: Record<string, string> = {};
  const tokens: Record<string, string> = {};

  function cli(...args: string[]): any {
    const out = execFileSync(process.execPath, [ADMIN_CLI, ...args], {
      env: {
        ...process.env,
        DATABASE_URL: platform.env.databaseUrl,
        NATS_URL: platform.env.natsUrl,
        NATS_PREFIX: platform.env.prefix,
        LOG_LEVEL: 'silent',
      },
      encoding: 'utf8',
    });
    return JSON.parse(out.trim().split('\n').pop()!);
  }

  async function as(
    token: string,
    method: string,
    url: string,
    init: { body?: any; headers?: Record<string, string>; stream?: boolean } = {},
  ) {
    const controller = new AbortController();
    const response = await fetch(`${platform.gatewayUrl}${url}`, {
      method,
      signal: controller.signal,
      headers: {
        Authorization: `Bearer ${token}`,
        ...(init.body !== undefined && !(init.body instanceof FormData) ? { 'Content-Type': 'application/json' } : {}),
        ...init.headers,
      },
      body: init.body === undefined ? undefined : init.body instanceof FormData ? init.body : JSON.stringify(init.body),
    });
    // Streams (SSE) stay open: their status and headers are the answer.
    if (init.stream || response.headers.get('content-type')?.startsWith('text/event-stream')) {
      controller.abort();
      return { status: response.status, body: undefined as any, text: '' };
    }
    const text = await response.text();
    let body: any;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    return { status: response.status, body, text };
  }

  /** A concrete URL of org A's objects for a documented path; throws for a parameter it cannot fill. */
  function urlFor(route: string): string {
    return route.replace(/\{(\w+)\}/g, (_m, name: string) => {
      const value =
        route.startsWith('/api/batch-calls/') || route.startsWith('/batches/')
          ? { id: ids.batch, batch_id: ids.batch, agent_id: 'agent-demo' }[name]
          : route.startsWith('/api/agents/')
            ? { agent_id: 'agent-demo', id: 'agent-demo' }[name]
            : route.startsWith('/api/phone-numbers/')
              ? { number: encodeURIComponent('+12025550100') }[name]
              : route.startsWith('/api/tokens/')
                ? { token_id: ids.memberToken, id: ids.memberToken }[name]
                : route.startsWith('/api/webhooks/')
                  ? { id: ids.webhook }[name]
                  : route.startsWith('/api/suppression-list/')
                    ? { phone: encodeURIComponent(ids.suppressed), number: encodeURIComponent(ids.suppressed) }[name]
                    : undefined;
      if (value === undefined)
        throw new Error(`no org-A object known for {${name}} in ${route}: extend urlFor so the route is checked`);
      return value;
    });
  }

  /** A body that passes validation, so that the answer is about tenancy or role, not the body. */
  function bodyFor(method: string, route: string): any {
    if (!['post', 'put', 'patch'].includes(method)) return undefined;
    if (route === '/batches/schedule')
      return {
        agent_id: 'agent-demo',
        batch_id: ids.batch,
        scheduled_at: new Date(Date.now() + 3600_000).toISOString(),
      };
    if (route.endsWith('/reschedule'))
      return { scheduled_start_time: new Date(Date.now() + 7200_000).toISOString(), timezone: 'UTC' };
    if (route === '/api/agents/{agent_id}') return { name: 'taken over' };
    if (route === '/api/phone-numbers/{number}') return { outbound_enabled: false };
    return {};
  }

  beforeAll(async () => {
    platform = await startPlatform('gwtenancy', {
      env: { GATEWAY_RATE_LIMIT_PER_SECOND: '1000', GATEWAY_RATE_LIMIT_BURST: '1000' },
    });
    tokens.ownerA = platform.token;
    const member = await api(platform, '/api/tokens', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ role: 'member', name: 'viewer' }),
    });
    expect(member.status).toBe(201);
    tokens.memberA = member.body.token;
    ids.memberToken = member.body.token_id;
    cli('create-org', '--id', 'org-b', '--name', 'Org B');
    tokens.ownerB = cli('create-token', '--org', 'org-b', '--role', 'owner').token;
    cli('create-agent', '--org', 'org-b', '--id', 'agent-b', '--name', "B's agent");

    // Org A's batch: scheduled a day ahead, so it stays put while every route is tried on it.
    const created = await uploadCsv(platform, 'phone,name\n+14155550101,Ada\n+14155550102,Alan\n+14155550103,Grace\n', {
      agent_id: 'agent-demo',
      name: 'Tenancy batch',
      scheduled_start_time: new Date(Date.now() + 86_400_000).toISOString(),
    });
    expect(created.status).toBe(201);
    ids.batch = created.body.batch_id;
    const hook = await api(platform, '/api/webhooks', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ url: 'https://hooks.example.com/outdial' }),
    });
    expect(hook.status).toBe(201);
    ids.webhook = hook.body.webhook_id ?? hook.body.id;
    ids.suppressed = '+14155550199';
    const dnc = await api(platform, '/api/suppression-list', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ phone_number: ids.suppressed }),
    });
    expect(dnc.status).toBe(201);

    const doc = (await api(platform, '/docs-json')).body;
    ops = Object.entries(doc.paths).flatMap(([p, item]: [string, any]) =>
      HTTP_METHODS.filter((m) => item[m]).map((method) => ({ method, path: p, op: item[method] })),
    );
    expect(ops.length).toBeGreaterThan(30);
  }, 180_000);

  afterAll(async () => {
    if (process.env.SHOW_LOGS)
      process.stdout.write(
        platform?.logs
          .filter((l) => l.startsWith('gateway'))
          .slice(-60)
          .join('\n') ?? '',
      );
    await platform?.stop();
  });

  it('a member token reads every readable route but gets 403 on every write', async () => {
    const results: string[] = [];
    for (const { method, path: route, op } of ops) {
      if (NOT_ORG_SCOPED[route] || op['x-outdial-public']) continue;
      const roles: string[] | undefined = op['x-outdial-roles'];
      const forbidden = roles !== undefined && !roles.includes('member');
      if (method !== 'get' && !forbidden) {
        results.push(`${method.toUpperCase()} ${route}: a write that does not exclude members`);
        continue;
      }
      const query = route === '/api/batch-calls/template.csv' ? '?agent_id=agent-demo' : '';
      const response = await as(tokens.memberA, method.toUpperCase(), urlFor(route) + query, {
        body: bodyFor(method, route),
      });
      const ok = forbidden
        ? response.status === 403 && response.body?.error?.code === 'forbidden'
        : response.status >= 200 && response.status < 300;
      if (!ok) results.push(`${method.toUpperCase()} ${route}: ${response.status} ${response.text.slice(0, 160)}`);
    }
    expect(results).toEqual([]);
  });

  it("org B gets 404 on every route that names one of org A's objects, and changes nothing", async () => {
    const results: string[] = [];
    let checked = 0;
    const withObject = ops.filter(
      ({ path: route, op }) =>
        !NOT_ORG_SCOPED[route] && !op['x-outdial-public'] && (route.includes('{') || route === '/batches/schedule'),
    );
    // Deletes last, so a wrongly allowed delete would not hide other failures.
    withObject.sort((a, b) => Number(a.method === 'delete') - Number(b.method === 'delete'));
    for (const { method, path: route } of withObject) {
      const response = await as(tokens.ownerB, method.toUpperCase(), urlFor(route), { body: bodyFor(method, route) });
      checked++;
      if (response.status !== 404 || response.body?.error?.code !== 'not_found')
        results.push(`${method.toUpperCase()} ${route}: ${response.status} ${response.text.slice(0, 160)}`);
    }
    expect(results).toEqual([]);
    expect(checked).toBeGreaterThanOrEqual(20);

    // Org A's batch and objects are untouched.
    const batch = await as(tokens.ownerA, 'GET', `/api/batch-calls/${ids.batch}`);
    expect(batch.body).toMatchObject({ batch_id: ids.batch, status: 'scheduled', total_calls: 3 });
    expect((await as(tokens.ownerA, 'GET', '/api/agents/agent-demo')).body.name).toBe('Demo voice agent');
    expect(
      (await as(tokens.ownerA, 'GET', `/api/phone-numbers/${encodeURIComponent('+12025550100')}`)).body
        .outbound_enabled,
    ).toBe(true);
    expect((await as(tokens.memberA, 'GET', '/api/org')).status).toBe(200);
    // Lists show org B none of A's batches.
    const listB = await as(tokens.ownerB, 'GET', '/api/batch-calls');
    expect(listB.status).toBe(200);
    expect(listB.body.items.map((b: any) => b.batch_id)).not.toContain(ids.batch);
  });

  it('no token or a wrong one: 401 on every route that needs one', async () => {
    const results: string[] = [];
    for (const { method, path: route, op } of ops) {
      if (NOT_ORG_SCOPED[route] || op['x-outdial-public']) continue;
      const response = await fetch(`${platform.gatewayUrl}${urlFor(route)}`, {
        method: method.toUpperCase(),
        headers: { Authorization: 'Bearer od_wrong' },
      });
      if (response.status !== 401) results.push(`${method.toUpperCase()} ${route}: ${response.status}`);
      await response.body?.cancel();
    }
    expect(results).toEqual([]);
  });
  it("org B cannot follow org A's batch over WebSocket (closed with 4404, nothing sent)", async () => {
    const { code, messages } = await new Promise<{ code: number; messages: string[] }>((resolve, reject) => {
      const messages: string[] = [];
      const ws = new WebSocket(`${platform.gatewayUrl.replace(/^http/, 'ws')}/ws/batch/${ids.batch}`, {
        headers: { Authorization: `Bearer ${tokens.ownerB}` },
      });
      const timer = setTimeout(() => {
        ws.terminate();
        reject(new Error('WebSocket neither closed nor refused within 5 s'));
      }, 5000);
      const done = (code: number) => {
        clearTimeout(timer);
        resolve({ code, messages });
      };
      ws.on('message', (data) => messages.push(String(data)));
      ws.on('close', (closeCode) => done(closeCode));
      ws.on('unexpected-response', (_req, res) => {
        done(res.statusCode ?? 0);
        ws.terminate();
      });
      ws.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
    expect([4404, 404]).toContain(code);
    expect(messages.filter((m) => m.includes(ids.batch) && m.includes('total'))).toEqual([]);
  });
});
