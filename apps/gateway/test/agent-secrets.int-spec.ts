import { randomBytes } from 'node:crypto';

import { quoteIdent, RunningService, SecretBox, startService } from '@outdial/service-runtime';

import { createIsolatedEnv, IsolatedEnv } from '../../../test/support/isolated-env';
import { GatewayEnv } from '../src/gateway-env';
import { gatewayService } from '../src/gateway-service';
import { runAdmin } from '../src/handlers/cli/admin';
import { streamMessages } from './stream-messages';

/**
 * Voice-agent platform agents at the gateway alone (real PostgreSQL and NATS): secrets sealed at
 * rest and in AgentChangedEvent (openable only with OUTDIAL_SECRETS_KEY), never returned, kept on a
 * PATCH that leaves them out, dropped on a provider change; platform webhooks authenticated with
 * the agent's secret.
 */
describe('agent secrets and platform webhooks at the gateway', () => {
  let env: IsolatedEnv;
  let running: RunningService<GatewayEnv>;
  let base: string;
  let serviceEnv: Record<string, string | undefined>;
  const OWNER = 'od_test_owner_secrets';
  const KEY = randomBytes(32).toString('base64');
  const API_KEY = `sk_vapi_${randomBytes(8).toString('hex')}`;
  const WEBHOOK_SECRET = `whsec_${randomBytes(8).toString('hex')}`;

  async function call(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
    token: string | undefined = OWNER,
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
    return { status: response.status, text, body: text ? JSON.parse(text) : undefined };
  }

  async function agentEvents(agentId: string): Promise<any[]> {
    const messages = await streamMessages(env, 'ORG');
    return messages.filter((m) => m.json.agent_id === agentId).map((m) => ({ raw: m.raw, ...m.json }));
  }

  beforeAll(async () => {
    env = await createIsolatedEnv('gwsecrets');
    serviceEnv = { ...process.env, ...env.serviceEnv(), HTTP_HOST: '127.0.0.1', OUTDIAL_SECRETS_KEY: KEY };
    await runAdmin(['bootstrap', '--token', OWNER], serviceEnv);
    running = await startService(gatewayService(), { env: serviceEnv });
    base = `http://127.0.0.1:${running.port}`;
  });

  afterAll(async () => {
    await running?.app.close();
    await env?.cleanup();
  });

  it('seals the secrets at rest and in the event, returns only which are set, keeps them on a PATCH without them', async () => {
    const created = await call('POST', '/api/agents', {
      agent_id: 'v1',
      name: 'Vapi',
      provider: 'vapi',
      config: { assistant_id: 'as', phone_number_id: 'pn', api_key: API_KEY, webhook_secret: WEBHOOK_SECRET },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      config: { assistant_id: 'as', phone_number_id: 'pn' },
      secrets_set: ['api_key', 'webhook_secret'],
      webhook_url: expect.stringContaining('/api/provider-events/vapi?org_id=default&agent_id=v1'),
    });
    expect(created.text).not.toContain(API_KEY);
    const rows = await running.runtime.db.query<any>(
      `SELECT * FROM ${quoteIdent(running.runtime.db.schema)}.agents WHERE agent_id = 'v1'`,
    );
    expect(JSON.stringify(rows)).not.toContain(API_KEY);
    expect(new SecretBox(KEY).open(rows[0].sealed_secrets)).toEqual({
      api_key: API_KEY,
      webhook_secret: WEBHOOK_SECRET,
    });

    const patched = await call('PATCH', '/api/agents/v1', { config: { assistant_id: 'as2', phone_number_id: 'pn' } });
    expect(patched.body).toMatchObject({
      config: { assistant_id: 'as2' },
      secrets_set: ['api_key', 'webhook_secret'],
      version: 2,
    });
    // The outbox relay publishes shortly after the commit.
    let events: any[] = [];
    for (let i = 0; i < 50 && events.length < 2; i++) {
      events = await agentEvents('v1');
      if (events.length < 2) await new Promise((r) => setTimeout(r, 100));
    }
    expect(events.length).toBeGreaterThanOrEqual(2);
    for (const event of events) {
      expect(event.raw).not.toContain(API_KEY);
      expect(event.raw).not.toContain(WEBHOOK_SECRET);
      expect(new SecretBox(KEY).open(event.sealed_secrets)).toMatchObject({ api_key: API_KEY });
    }

    const switched = await call('PATCH', '/api/agents/v1', { provider: 'simulated', config: {} });
    expect(switched.body).toMatchObject({ provider: 'simulated', secrets_set: [] });
    expect(
      (
        await running.runtime.db.query<any>(
          `SELECT sealed_secrets FROM ${quoteIdent(running.runtime.db.schema)}.agents WHERE agent_id = 'v1'`,
        )
      )[0].sealed_secrets,
    ).toBeNull();
  });

  it('answers 400 naming each missing field of a platform config', async () => {
    const response = await call('POST', '/api/agents', {
      agent_id: 'e1',
      name: 'E',
      provider: 'elevenlabs',
      config: { agent_id: 'x' },
    });
    expect(response.status).toBe(400);
    expect(response.body.error.details.map((d: any) => d.field)).toEqual([
      'config.api_key',
      'config.agent_phone_number_id',
    ]);
  });

  it("authenticates platform webhooks with the agent's secret; refuses unsigned ones and unnamed agents", async () => {
    await call('POST', '/api/agents', {
      agent_id: 'v2',
      name: 'Vapi 2',
      provider: 'vapi',
      config: { assistant_id: 'as', phone_number_id: 'pn', api_key: API_KEY, webhook_secret: WEBHOOK_SECRET },
    });
    const report = JSON.stringify({
      message: {
        type: 'end-of-call-report',
        timestamp: Date.now(),
        endedReason: 'customer-busy',
        call: { id: 'vc-9', metadata: { outdial_attempt_id: 'c9:1' } },
      },
    });
    const path = '/api/provider-events/vapi?org_id=default&agent_id=v2';
    expect((await call('POST', path, report, { 'X-Vapi-Secret': WEBHOOK_SECRET }, undefined)).status).toBe(204);
    expect((await call('POST', path, report, {}, undefined)).status).toBe(401);
    expect((await call('POST', path, report, { 'X-Vapi-Secret': 'guess' }, undefined)).status).toBe(401);
    expect(
      (
        await call(
          'POST',
          '/api/provider-events/vapi?org_id=default&agent_id=nobody',
          report,
          { 'X-Vapi-Secret': WEBHOOK_SECRET },
          undefined,
        )
      ).status,
    ).toBe(401);
    expect(
      (await call('POST', '/api/provider-events/vapi', report, { 'X-Vapi-Secret': WEBHOOK_SECRET }, undefined)).status,
    ).toBe(400);
    const stale = JSON.stringify({
      message: {
        type: 'end-of-call-report',
        timestamp: Date.now() - 3_600_000,
        endedReason: 'customer-busy',
        call: { id: 'vc-9' },
      },
    });
    expect((await call('POST', path, stale, { 'X-Vapi-Secret': WEBHOOK_SECRET }, undefined)).status).toBe(401);
  });
});
