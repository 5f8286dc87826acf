import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { parsePayload, Subjects } from '@outdial/contracts';
import { quoteIdent, RunningService, startService } from '@outdial/service-runtime';

import { createIsolatedEnv, IsolatedEnv } from '../../../test/support/isolated-env';
import { GatewayEnv } from '../src/gateway-env';
import { gatewayService } from '../src/gateway-service';
import { runAdmin } from '../src/handlers/cli/admin';
import { streamMessages } from './stream-messages';

/**
 * The gateway alone against real PostgreSQL and NATS: directory routes (agents, numbers, tokens,
 * org), roles, tenancy, validation, errors, rate limit, the events it publishes and the OpenAPI
 * document.
 */
describe('gateway directory, roles, errors and OpenAPI', () => {
  let env: IsolatedEnv;
  let running: RunningService<GatewayEnv>;
  let base: string;
  let serviceEnv: Record<string, string | undefined>;
  const tokens: Record<string, string> = {};
  const OWNER_A = 'od_test_owner_a_secret';

  async function call(
    token: string | undefined,
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    let json: any;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, body: json, text, headers: response.headers };
  }

  /** Every payload on the ORG stream so far, in order. */
  async function orgStream(): Promise<any[]> {
    return (await streamMessages(env, 'ORG')).map((m) => ({ subject: m.subject, ...m.json }));
  }

  async function eventually<T>(fn: () => Promise<T | undefined>, timeoutMs = 5000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await fn();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error('condition not met in time');
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  const admin = async (...args: string[]) => JSON.parse(await runAdmin(args, serviceEnv));

  beforeAll(async () => {
    env = await createIsolatedEnv('gwdir');
    serviceEnv = {
      ...process.env,
      ...env.serviceEnv(),
      HTTP_HOST: '127.0.0.1',
      // Generous burst so the suite never trips it, except the test that means to.
      GATEWAY_RATE_LIMIT_PER_SECOND: '2',
      GATEWAY_RATE_LIMIT_BURST: '150',
    };
    // Made with the CLI before the gateway starts: the gateway must publish them at start.
    await admin('bootstrap', '--token', OWNER_A);
    await admin('create-org', '--id', 'org-b', '--name', 'Org B');
    tokens.ownerA = OWNER_A;
    tokens.adminA = (await admin('create-token', '--org', 'default', '--role', 'admin', '--name', 'ops')).token;
    tokens.memberA = (await admin('create-token', '--org', 'default', '--role', 'member')).token;
    tokens.ownerB = (await admin('create-token', '--org', 'org-b', '--role', 'owner')).token;
    running = await startService(gatewayService(), { env: serviceEnv });
    base = `http://127.0.0.1:${running.port}`;
  });

  afterAll(async () => {
    await running?.app.close();
    await env?.cleanup();
  });

  it('publishes every org and agent at start, including what the CLI wrote while no gateway ran', async () => {
    const events = await eventually(async () => {
      const all = await orgStream();
      return all.some((e) => e.agent_id === 'agent-demo') && all.some((e) => e.org_id === 'org-b') ? all : undefined;
    });
    expect(events).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          org_id: 'default',
          max_concurrent_calls: 5,
          calls_per_second: 1,
          compliance_guard: true,
          version: 1,
        }),
        expect.objectContaining({ org_id: 'org-b', version: 1 }),
        expect.objectContaining({
          org_id: 'default',
          agent_id: 'agent-demo',
          kind: 'voice',
          provider: 'simulated',
          deleted: false,
          version: 1,
        }),
      ]),
    );
  });

  it('every published directory event satisfies its contract class (what consumers validate)', async () => {
    const events = await orgStream();
    expect(events.length).toBeGreaterThan(0);
    for (const { subject, ...payload } of events) {
      const logical = subject.slice(env.prefix.length + 1);
      expect([Subjects.orgSettingsChanged, Subjects.agentChanged]).toContain(logical);
      expect(() => parsePayload(logical, payload)).not.toThrow();
    }
  });

  describe('admin CLI', () => {
    it('refuses bad calls with the reason: unknown command or option, missing option, invalid values, unknown org', async () => {
      await expect(runAdmin(['make-coffee'], serviceEnv)).rejects.toThrow(/unknown command "make-coffee"/);
      await expect(runAdmin(['create-token', '--org', 'default'], serviceEnv)).rejects.toThrow(/--role is required/);
      await expect(runAdmin(['create-token', '--org', 'default', '--role', 'god'], serviceEnv)).rejects.toThrow(
        /--role must be owner, admin or member/,
      );
      await expect(runAdmin(['set-limits', '--org', 'default', '--colour', 'red'], serviceEnv)).rejects.toThrow(
        /set-limits has no option --colour/,
      );
      await expect(runAdmin(['set-limits', '--org', 'default'], serviceEnv)).rejects.toThrow(/at least one of/);
      await expect(
        runAdmin(['set-limits', '--org', 'default', '--calls-per-second', '0'], serviceEnv),
      ).rejects.toMatchObject({ code: 'validation_failed', details: [{ field: 'calls_per_second' }] });
      await expect(
        runAdmin(['set-limits', '--org', 'nope', '--max-concurrent-calls', '3'], serviceEnv),
      ).rejects.toMatchObject({ code: 'not_found' });
      await expect(
        runAdmin(['add-number', '--org', 'default', '--number', '555-0100'], serviceEnv),
      ).rejects.toMatchObject({ code: 'validation_failed', details: [{ field: 'number' }] });
      await expect(
        runAdmin(['create-agent', '--org', 'nope', '--id', 'x', '--name', 'X'], serviceEnv),
      ).rejects.toMatchObject({ code: 'not_found' });
      await expect(runAdmin(['create-org', '--id', 'default'], serviceEnv)).rejects.toMatchObject({ code: 'conflict' });
      expect(await runAdmin(['help'], serviceEnv)).toMatch(/usage: npm run admin/);
    });

    it('lists what the API made', async () => {
      const orgs = await admin('list-orgs');
      expect(orgs.map((o: any) => o.org_id)).toEqual(['default', 'org-b']);
      const tokensOfB = await admin('list-tokens', '--org', 'org-b');
      expect(tokensOfB).toHaveLength(1);
      expect(JSON.stringify(tokensOfB)).not.toContain(tokens.ownerB);
      expect((await admin('list-numbers', '--org', 'default')).map((n: any) => n.number)).toContain('+12025550100');
    });
  });

  describe('authentication', () => {
    it('401 without a token, with a wrong one, and on every kind of route', async () => {
      for (const [method, path] of [
        ['GET', '/api/org'],
        ['GET', '/api/agents'],
        ['GET', '/api/tokens'],
        ['GET', '/batches/agent-demo/batch_x'],
        ['POST', '/batches/schedule'],
        ['POST', '/v1/api/batch-calls'],
      ]) {
        const missing = await call(undefined, method, path);
        expect([path, missing.status, missing.body?.error?.code]).toEqual([path, 401, 'unauthorized']);
        expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer/);
        const wrong = await call('od_not_a_token', method, path);
        expect([path, wrong.status]).toEqual([path, 401]);
      }
    });

    it('says in details why a request is unauthorized, naming the header, never echoing the token', async () => {
      const missing = await call(undefined, 'GET', '/api/org');
      expect(missing.body.error.details).toEqual({
        reason: 'missing_token',
        accepted_headers: ['Authorization: Bearer <token>', 'x-api-key: <token>'],
      });
      const malformed = await call(undefined, 'GET', '/api/org', undefined, {
        authorization: `Token ${tokens.memberA}`,
      });
      expect(malformed.status).toBe(401);
      expect(malformed.body.error.details.reason).toBe('malformed_authorization');
      expect(JSON.stringify(malformed.body)).not.toContain(tokens.memberA);
      const wrongBearer = await call('od_not_a_token', 'GET', '/api/org');
      expect(wrongBearer.body.error.details).toEqual({ reason: 'invalid_or_revoked_token', header: 'authorization' });
      const wrongKey = await call(undefined, 'GET', '/api/org', undefined, { 'x-api-key': 'od_not_a_key' });
      expect(wrongKey.body.error.details).toEqual({ reason: 'invalid_or_revoked_token', header: 'x-api-key' });
      expect(JSON.stringify(wrongKey.body)).not.toContain('od_not_a_key');
    });

    it("takes x-api-key like a bearer token, and x-workspace-id must name the token's org", async () => {
      const viaKey = await call(undefined, 'GET', '/api/org', undefined, {
        'x-api-key': tokens.memberA,
        'x-workspace-id': 'default',
      });
      expect(viaKey.status).toBe(200);
      expect(viaKey.body).toMatchObject({ org_id: 'default', your_role: 'member' });
      const otherWorkspace = await call(undefined, 'GET', '/api/org', undefined, {
        'x-api-key': tokens.memberA,
        'x-workspace-id': 'org-b',
      });
      expect(otherWorkspace.status).toBe(403);
    });

    it('health and metrics need no token', async () => {
      expect((await call(undefined, 'GET', '/health/live')).status).toBe(200);
      expect((await call(undefined, 'GET', '/metrics')).status).toBe(200);
    });
  });

  describe('org settings', () => {
    it('members and admins read; only owners change; each change is a new version, published', async () => {
      expect((await call(tokens.memberA, 'GET', '/api/org')).body).toMatchObject({
        org_id: 'default',
        max_concurrent_calls: 5,
        calls_per_second: 1,
        compliance_guard: true,
      });
      const member = await call(tokens.memberA, 'PATCH', '/api/org', { max_concurrent_calls: 3 });
      expect(member.status).toBe(403);
      expect(member.body.error.message).toMatch(/owner.*member/);
      expect((await call(tokens.adminA, 'PATCH', '/api/org', { max_concurrent_calls: 3 })).status).toBe(403);

      const changed = await call(tokens.ownerA, 'PATCH', '/api/org', {
        max_concurrent_calls: 3,
        calls_per_second: 0.5,
        compliance_guard: false,
      });
      expect(changed.status).toBe(200);
      expect(changed.body).toMatchObject({
        max_concurrent_calls: 3,
        calls_per_second: 0.5,
        compliance_guard: false,
        version: 2,
      });
      // The same values again change nothing and publish nothing.
      expect((await call(tokens.ownerA, 'PATCH', '/api/org', { max_concurrent_calls: 3 })).body.version).toBe(2);

      // The CLI changes the same org while the gateway runs: its outbox relay publishes version 3.
      await admin('set-limits', '--org', 'default', '--max-concurrent-calls', '7');
      const events = await eventually(async () => {
        const list = (await orgStream()).filter(
          (e) => e.subject.endsWith('v1.org.settings_changed') && e.org_id === 'default',
        );
        return list.some((e) => e.version === 3) ? list : undefined;
      });
      expect(events.find((e) => e.version === 2)).toMatchObject({
        max_concurrent_calls: 3,
        calls_per_second: 0.5,
        compliance_guard: false,
      });
      expect(events.find((e) => e.version === 3)).toMatchObject({ max_concurrent_calls: 7, calls_per_second: 0.5 });
      expect((await call(tokens.ownerA, 'GET', '/api/org')).body).toMatchObject({
        max_concurrent_calls: 7,
        version: 3,
      });
      // Org B is untouched.
      expect((await call(tokens.ownerB, 'GET', '/api/org')).body).toMatchObject({
        org_id: 'org-b',
        max_concurrent_calls: 5,
        version: 1,
      });
    });

    it('validation names each field; unknown fields, empty bodies, wrong types and sizes are refused', async () => {
      const bad = await call(tokens.ownerA, 'PATCH', '/api/org', {
        max_concurrent_calls: 0,
        calls_per_second: 'fast',
        compliance_guard: 'yes',
        colour: 'red',
      });
      expect(bad.status).toBe(400);
      expect(bad.body.error.code).toBe('validation_failed');
      expect(bad.body.error.details.map((d: any) => d.field).sort()).toEqual([
        'calls_per_second',
        'colour',
        'compliance_guard',
        'max_concurrent_calls',
      ]);
      const tooMany = await call(tokens.ownerA, 'PATCH', '/api/org', { max_concurrent_calls: 10_001 });
      expect(tooMany.body.error.details).toEqual([
        { field: 'max_concurrent_calls', problems: [expect.stringMatching(/10000/)] },
      ]);
      const empty = await call(tokens.ownerA, 'PATCH', '/api/org', {});
      expect([empty.status, empty.body.error.details[0].field]).toEqual([400, '(body)']);
      // null is not "leave as is": it is refused, and nothing changes.
      const before = (await call(tokens.ownerA, 'GET', '/api/org')).body;
      const nulls = await call(tokens.ownerA, 'PATCH', '/api/org', {
        circuit_breaker: null,
        max_concurrent_calls: null,
        compliance_guard: null,
      });
      expect(nulls.status).toBe(400);
      expect(nulls.body.error.details.map((d: any) => d.field).sort()).toEqual([
        'circuit_breaker',
        'compliance_guard',
        'max_concurrent_calls',
      ]);
      const nestedNull = await call(tokens.ownerA, 'PATCH', '/api/org', { circuit_breaker: { enabled: null } });
      expect(nestedNull.body.error.details).toEqual([
        { field: 'circuit_breaker.enabled', problems: expect.any(Array) },
      ]);
      expect((await call(tokens.ownerA, 'GET', '/api/org')).body).toEqual(before);
      const malformed = await call(tokens.ownerA, 'PATCH', '/api/org', '{"max_concurrent_calls": ');
      expect([malformed.status, malformed.body.error.code]).toEqual([400, 'validation_failed']);
      const form = await call(tokens.ownerA, 'PATCH', '/api/org', undefined, {
        'Content-Type': 'application/x-www-form-urlencoded',
      });
      expect([form.status, form.body.error.code]).toEqual([415, 'unsupported_media_type']);
      const huge = await call(tokens.ownerA, 'PATCH', '/api/org', { name: 'x'.repeat(70 * 1024) });
      expect([huge.status, huge.body.error.code]).toEqual([413, 'payload_too_large']);
    });
  });

  describe('agents', () => {
    it('owner/admin create, change and delete; members read; versions continue across delete and re-create', async () => {
      const denied = await call(tokens.memberA, 'POST', '/api/agents', { agent_id: 'sales', name: 'Sales' });
      expect(denied.status).toBe(403);
      const created = await call(tokens.adminA, 'POST', '/api/agents', {
        agent_id: 'sales',
        name: 'Sales',
        provider: 'http',
        variables: ['first_name', 'plan'],
        config: { endpoint_url: 'https://agent.example.com/call' },
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        agent_id: 'sales',
        kind: 'voice',
        provider: 'http',
        variables: ['first_name', 'plan'],
        version: 1,
      });
      expect((await call(tokens.adminA, 'POST', '/api/agents', { agent_id: 'sales', name: 'Again' })).status).toBe(409);
      expect((await call(tokens.memberA, 'GET', '/api/agents/sales')).body).toMatchObject({
        agent_id: 'sales',
        name: 'Sales',
      });
      const list = await call(tokens.memberA, 'GET', '/api/agents?page=1&page_size=10');
      expect(list.body).toMatchObject({ total: 2, page: 1, page_size: 10 });
      expect(list.body.items.map((a: any) => a.agent_id).sort()).toEqual(['agent-demo', 'sales']);
      expect((await call(tokens.memberA, 'GET', '/api/agents?page_size=500')).body.error.details[0].field).toBe(
        'page_size',
      );

      const renamed = await call(tokens.ownerA, 'PATCH', '/api/agents/sales', { name: 'Sales v2', kind: 'text' });
      expect(renamed.body).toMatchObject({ name: 'Sales v2', kind: 'text', version: 2 });
      expect((await call(tokens.memberA, 'PATCH', '/api/agents/sales', { name: 'x' })).status).toBe(403);
      expect((await call(tokens.memberA, 'DELETE', '/api/agents/sales')).status).toBe(403);
      expect((await call(tokens.adminA, 'DELETE', '/api/agents/sales')).status).toBe(204);
      expect((await call(tokens.adminA, 'GET', '/api/agents/sales')).status).toBe(404);
      const again = await call(tokens.adminA, 'POST', '/api/agents', { agent_id: 'sales', name: 'Sales again' });
      expect(again.body).toMatchObject({ provider: 'simulated', version: 4 });

      const events = await eventually(async () => {
        const list = (await orgStream()).filter((e) => e.agent_id === 'sales');
        return list.length >= 4 ? list : undefined;
      });
      expect(events.map((e) => [e.version, e.deleted, e.kind, e.provider])).toEqual([
        [1, false, 'voice', 'http'],
        [2, false, 'text', 'http'],
        [3, true, 'text', 'http'],
        [4, false, 'voice', 'simulated'],
      ]);
      expect(events[0].config).toEqual({ endpoint_url: 'https://agent.example.com/call' });
    });

    it('validation: kind, provider, variables, http endpoint_url and secret-looking config keys, each by field', async () => {
      const bad = await call(tokens.ownerA, 'POST', '/api/agents', {
        agent_id: 'bad id!',
        name: '',
        kind: 'robot',
        provider: 'carrier-pigeon',
        variables: ['ok', 'not ok'],
      });
      expect(bad.status).toBe(400);
      expect(bad.body.error.details.map((d: any) => d.field).sort()).toEqual([
        'agent_id',
        'kind',
        'name',
        'provider',
        'variables',
      ]);
      const http = await call(tokens.ownerA, 'POST', '/api/agents', {
        agent_id: 'h',
        name: 'H',
        provider: 'http',
        config: { endpoint_url: 'ftp://x', api_key: 'sk-123' },
      });
      expect(http.status).toBe(400);
      expect(http.body.error.details.map((d: any) => d.field).sort()).toEqual([
        'config.api_key',
        'config.endpoint_url',
      ]);
      // Switching an existing agent to http without an endpoint is refused the same way.
      const patch = await call(tokens.ownerA, 'PATCH', '/api/agents/agent-demo', { provider: 'http' });
      expect([patch.status, patch.body.error.details[0].field]).toEqual([400, 'config.endpoint_url']);
    });

    it("another org's agents are a 404, for reads and writes", async () => {
      expect((await call(tokens.ownerB, 'GET', '/api/agents/agent-demo')).status).toBe(404);
      expect((await call(tokens.ownerB, 'PATCH', '/api/agents/agent-demo', { name: 'mine' })).status).toBe(404);
      expect((await call(tokens.ownerB, 'DELETE', '/api/agents/agent-demo')).status).toBe(404);
      expect((await call(tokens.ownerB, 'GET', '/api/agents')).body.total).toBe(0);
      expect((await call(tokens.ownerA, 'GET', '/api/agents/agent-demo')).body.name).toBe('Demo voice agent');
    });
  });

  describe('phone numbers', () => {
    it('E.164 only; one org per number; others get 404; members read only', async () => {
      const bad = await call(tokens.ownerA, 'POST', '/api/phone-numbers', {
        number: '202-555-0199',
        outbound_enabled: 'yes',
      });
      expect(bad.status).toBe(400);
      expect(bad.body.error.details.map((d: any) => d.field).sort()).toEqual(['number', 'outbound_enabled']);
      expect((await call(tokens.memberA, 'POST', '/api/phone-numbers', { number: '+12025550199' })).status).toBe(403);
      const created = await call(tokens.adminA, 'POST', '/api/phone-numbers', { number: '+12025550199' });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ number: '+12025550199', outbound_enabled: true, provider: 'simulated' });
      expect((await call(tokens.ownerB, 'POST', '/api/phone-numbers', { number: '+12025550199' })).status).toBe(409);
      expect((await call(tokens.ownerB, 'GET', '/api/phone-numbers/%2B12025550199')).status).toBe(404);
      expect((await call(tokens.ownerB, 'DELETE', '/api/phone-numbers/%2B12025550199')).status).toBe(404);
      const disabled = await call(tokens.adminA, 'PATCH', '/api/phone-numbers/%2B12025550199', {
        outbound_enabled: false,
      });
      expect(disabled.body).toMatchObject({ number: '+12025550199', outbound_enabled: false });
      expect((await call(tokens.memberA, 'GET', '/api/phone-numbers')).body.items.map((n: any) => n.number)).toEqual([
        '+12025550100',
        '+12025550199',
      ]);
      expect((await call(tokens.adminA, 'DELETE', '/api/phone-numbers/+12025550199')).status).toBe(204);
      expect((await call(tokens.adminA, 'GET', '/api/phone-numbers/+12025550199')).status).toBe(404);
    });
  });

  describe('tokens', () => {
    it('owners create (shown once, stored hashed), list and revoke; revocation is immediate; the last owner stays', async () => {
      expect((await call(tokens.adminA, 'POST', '/api/tokens', { role: 'member', name: 'x' })).status).toBe(403);
      expect((await call(tokens.adminA, 'GET', '/api/tokens')).status).toBe(403);
      const bad = await call(tokens.ownerA, 'POST', '/api/tokens', { role: 'superuser' });
      expect(bad.body.error.details.map((d: any) => d.field).sort()).toEqual(['name', 'role']);

      const created = await call(tokens.ownerA, 'POST', '/api/tokens', { role: 'member', name: 'dashboard' });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ role: 'member', name: 'dashboard', revoked_at: null });
      const secret: string = created.body.token;
      expect(created.body.token_hint).toBe(`…${secret.slice(-4)}`);
      const stored = await running.runtime.db.query<{ token_hash: string }>(
        `SELECT token_hash FROM ${quoteIdent(running.runtime.db.schema)}.tokens WHERE token_id = $1`,
        [created.body.token_id],
      );
      expect(stored[0].token_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(stored[0].token_hash).not.toContain(secret);

      const list = await call(tokens.ownerA, 'GET', '/api/tokens');
      expect(list.text).not.toContain(secret);
      expect(list.body.items.find((t: any) => t.token_id === created.body.token_id)).toMatchObject({
        name: 'dashboard',
        role: 'member',
      });
      expect((await call(secret, 'GET', '/api/org')).status).toBe(200);

      expect((await call(tokens.ownerB, 'DELETE', `/api/tokens/${created.body.token_id}`)).status).toBe(404);
      expect((await call(tokens.ownerA, 'DELETE', `/api/tokens/${created.body.token_id}`)).status).toBe(204);
      expect((await call(secret, 'GET', '/api/org')).status).toBe(401);
      expect((await call(tokens.ownerA, 'DELETE', `/api/tokens/${created.body.token_id}`)).status).toBe(404);

      // Org B has one owner token: revoking it would leave nobody to manage the org.
      const bTokens = await call(tokens.ownerB, 'GET', '/api/tokens');
      const last = await call(tokens.ownerB, 'DELETE', `/api/tokens/${bTokens.body.items[0].token_id}`);
      expect([last.status, last.body.error.code]).toEqual([409, 'conflict']);
    });
  });

  it('rate limits per token: 429 with Retry-After, other tokens unaffected', async () => {
    const limited = (await admin('create-token', '--org', 'default', '--role', 'member', '--name', 'burst')).token;
    const started = Date.now();
    const responses = await Promise.all(Array.from({ length: 170 }, () => call(limited, 'GET', '/api/org')));
    const elapsedSeconds = (Date.now() - started) / 1000;
    const refused = responses.filter((r) => r.status === 429);
    // The burst (150) passes, plus what the bucket refilled (2/s) while the 170 were answered: no more.
    const passed = responses.filter((r) => r.status === 200).length;
    expect(passed).toBeGreaterThanOrEqual(150);
    expect(passed).toBeLessThanOrEqual(150 + Math.ceil(elapsedSeconds * 2));
    expect(passed + refused.length).toBe(170);
    expect(refused.length).toBeGreaterThanOrEqual(1);
    expect(refused[0].headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
    expect(refused[0].body.error).toMatchObject({
      code: 'rate_limited',
      details: { retry_after_seconds: expect.any(Number) },
    });
    expect((await call(tokens.memberA, 'GET', '/api/org')).status).toBe(200);
    await new Promise((r) => setTimeout(r, Number(refused[0].headers.get('retry-after')) * 1000));
    expect((await call(limited, 'GET', '/api/org')).status).toBe(200);
  });

  describe('OpenAPI', () => {
    it('is an OpenAPI 3 document with every route the app registered, each with responses and security', async () => {
      const response = await call(undefined, 'GET', '/docs-json');
      expect(response.status).toBe(200);
      const doc = response.body;
      expect(doc.openapi).toMatch(/^3\.\d+\.\d+$/);
      expect(doc.info.title).toBeTruthy();
      expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['api_key', 'bearer']);
      expect(doc.components.securitySchemes.api_key).toMatchObject({ type: 'apiKey', in: 'header', name: 'x-api-key' });

      // Routes as Express holds them in the running app (not a hand-written list).
      const routes = registeredRoutes(running.app.getHttpAdapter().getInstance()).filter(
        (r) => !r.path.startsWith('/docs'),
      );
      expect(routes.length).toBeGreaterThan(10);
      const missing = routes.filter((r) => !doc.paths[r.path]?.[r.method]);
      expect(missing).toEqual([]);
      // ... and the document lists nothing the app does not serve.
      const documented = Object.entries(doc.paths).flatMap(([path, item]) =>
        Object.keys(item as object)
          .filter((k) => HTTP_METHODS.includes(k))
          .map((method) => ({ path, method })),
      );
      expect(documented.filter((d) => !routes.some((r) => r.path === d.path && r.method === d.method))).toEqual([]);

      const operationIds = new Set<string>();
      for (const { path, method } of documented) {
        const op = doc.paths[path][method];
        expect([path, method, Object.keys(op.responses ?? {}).length > 0]).toEqual([path, method, true]);
        expect(operationIds.has(op.operationId)).toBe(false);
        operationIds.add(op.operationId);
        for (const param of (path.match(/\{(\w+)\}/g) ?? []).map((p) => p.slice(1, -1))) {
          expect([path, method, param, op.parameters?.some((p: any) => p.in === 'path' && p.name === param)]).toEqual([
            path,
            method,
            param,
            true,
          ]);
        }
        const isOps = ['/health/live', '/health/ready', '/metrics'].includes(path);
        if (!isOps && op['x-outdial-public'] !== true) {
          expect([path, method, op.security]).toEqual([path, method, [{ bearer: [] }, { api_key: [] }]]);
          expect([path, method, Object.keys(op.responses)]).toEqual([
            path,
            method,
            expect.arrayContaining(['401', '429']),
          ]);
        }
      }
      // Every $ref resolves.
      const refs = JSON.stringify(doc).match(/"\$ref":"#\/components\/(\w+)\/([^"]+)"/g) ?? [];
      for (const ref of refs) {
        const [, kind, name] = /#\/components\/(\w+)\/([^"]+)"/.exec(ref)!;
        expect([ref, doc.components[kind]?.[name] !== undefined]).toEqual([ref, true]);
      }
      // Query parameters of handlers without swagger decorators come from Nest's metadata.
      expect(doc.paths['/batches/{agent_id}/{batch_id}/executions'].get.parameters).toEqual(
        expect.arrayContaining([expect.objectContaining({ name: 'outcome', in: 'query' })]),
      );
      expect(doc.paths['/api/batch-calls/{id}/results'].get.parameters).toEqual(
        expect.arrayContaining([expect.objectContaining({ name: 'filter', in: 'query' })]),
      );
      // Directory operations carry their bodies and roles.
      expect(doc.paths['/api/agents'].post.requestBody.content['application/json'].schema.$ref).toBe(
        '#/components/schemas/CreateAgentBody',
      );
      expect(doc.paths['/api/org'].patch.description).toMatch(/Roles: owner/);
      expect(doc.components.schemas.UpdateOrgBody.properties.max_concurrent_calls).toMatchObject({
        minimum: 1,
        maximum: 10000,
      });
    });

    it('passes the OpenAPI 3 schema validation of swagger-parser (structure and $refs)', async () => {
      const doc = (await call(undefined, 'GET', '/docs-json')).body;
      // swagger-parser's dependencies are ES modules, which jest's CommonJS runtime cannot load:
      // validate in a plain node process (Node 20.19+ requires ES modules natively).
      const file = join(mkdtempSync(join(tmpdir(), 'outdial-openapi-')), 'openapi.json');
      writeFileSync(file, JSON.stringify(doc));
      const script = `require('@apidevtools/swagger-parser').validate(${JSON.stringify(file)}).then(() => console.log('valid'), (e) => { console.error(e.message); process.exit(1); })`;
      const result = await new Promise<{ code: number; out: string }>((resolve) =>
        execFile(
          process.execPath,
          ['-e', script],
          { cwd: join(__dirname, '..', '..', '..') },
          (error, stdout, stderr) => resolve({ code: error ? 1 : 0, out: `${stdout}${stderr}` }),
        ),
      );
      expect(result).toEqual({ code: 0, out: 'valid\n' });
    });

    it('serves the Swagger UI at /docs', async () => {
      const ui = await fetch(`${base}/docs`);
      expect(ui.status).toBe(200);
      expect(await ui.text()).toMatch(/swagger-ui/i);
    });
  });
});

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head'];

/** `{path, method}` of every route in an Express app (Express 5 `router` or 4 `_router`), in OpenAPI path syntax. */
function registeredRoutes(expressApp: any): { path: string; method: string }[] {
  const stack = (expressApp.router ?? expressApp._router).stack as any[];
  const out: { path: string; method: string }[] = [];
  for (const layer of stack) {
    if (!layer.route) continue;
    const path = String(layer.route.path).replace(/:(\w+)/g, '{$1}');
    for (const [method, on] of Object.entries(layer.route.methods as Record<string, boolean>)) {
      if (on && method !== '_all') out.push({ path, method });
    }
  }
  return out;
}
