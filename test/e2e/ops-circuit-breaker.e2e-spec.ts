import http from 'node:http';
import { AddressInfo } from 'node:net';

import { api, RunningPlatform, startPlatform, uploadCsv, waitForBatch } from '../support/platform';

/**
 * Failing batches stop themselves (SPEC §4): a batch whose http agent answers 500 to every call
 * pauses itself once the org's rule trips (default: 10 agent_error in a row), with the numbers in
 * its activity log and a `batch.paused` webhook; a batch whose agent is deleted, or whose provider has no
 * credentials, ends `failed`.
 */
async function listen(handler: http.RequestListener): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}

describe('batch circuit breaker and the failed status', () => {
  let platform: RunningPlatform;
  let agentEndpoint: { url: string; close(): Promise<void> };
  let receiver: { url: string; close(): Promise<void> };
  let agentCalls = 0;
  const hooks: any[] = [];

  beforeAll(async () => {
    agentEndpoint = await listen((req, res) => {
      req.resume();
      req.on('end', () => {
        agentCalls++;
        res.writeHead(500, { 'Content-Type': 'application/json' }).end('{"error":"agent crashed"}');
      });
    });
    receiver = await listen((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        hooks.push(JSON.parse(body));
        res.writeHead(204).end();
      });
    });
    platform = await startPlatform('breaker', {
      env: { HTTP_PROVIDER_SIGNING_SECRET: 'agent-secret', WEBHOOK_POLL_MS: '50' },
    });
    const limits = await api(platform, '/api/org', {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ calls_per_second: 20, max_concurrent_calls: 5 }),
    });
    expect(limits.status).toBe(200);
    expect(limits.body.circuit_breaker).toEqual({
      enabled: true,
      min_attempts: 20,
      failure_ratio: 0.5,
      window_seconds: 120,
      consecutive_agent_errors: 10,
    });
    const agent = await api(platform, '/api/agents', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        agent_id: 'crashing-bot',
        name: 'Crashing bot',
        kind: 'voice',
        provider: 'http',
        config: { endpoint_url: `${agentEndpoint.url}/calls` },
      }),
    });
    expect(agent.status).toBe(201);
    const hook = await api(platform, '/api/webhooks', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ url: `${receiver.url}/hook`, events: ['batch.paused', 'batch.failed'] }),
    });
    expect(hook.status).toBe(201);
  }, 120_000);

  afterAll(async () => {
    await platform?.stop();
    await agentEndpoint?.close();
    await receiver?.close();
  });

  it('auto-pauses a batch whose agent answers 500 to every call, says why, then fails it when the agent is deleted', async () => {
    const lines = ['phone,name'];
    for (let i = 0; i < 60; i++) lines.push(`+1415556${String(i).padStart(4, '0')},Contact ${i}`);
    const created = await uploadCsv(platform, lines.join('\n') + '\n', {
      agent_id: 'crashing-bot',
      concurrency: '5',
      max_attempts: '1',
    });
    expect(created.status).toBe(201);
    const id = created.body.batch_id;

    const paused = await waitForBatch(platform, id, 'paused', 90_000);
    // It stopped after the 10th agent_error in a row (plus the calls already under way), not after 60.
    expect(agentCalls).toBeGreaterThanOrEqual(10);
    expect(agentCalls).toBeLessThan(20);
    expect(paused.failed).toBeLessThan(20);

    const activity = await api(platform, `/api/batch-calls/${id}/activity?page_size=100`);
    expect(activity.status).toBe(200);
    const kinds = activity.body.items.map((i: any) => i.kind);
    expect(kinds[0]).toBe('created');
    const auto = activity.body.items.find((i: any) => i.kind === 'auto_paused');
    expect(auto).toMatchObject({
      actor: 'circuit breaker',
      message: 'auto-paused: 10 attempts in a row ended agent_error (limit 10)',
    });
    expect(auto.data).toMatchObject({ previous_status: 'running', status: 'paused' });

    const deadline = Date.now() + 30_000;
    while (!hooks.some((h) => h.type === 'batch.paused') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    const hook = hooks.find((h) => h.type === 'batch.paused');
    expect(hook).toBeDefined();
    expect(JSON.stringify(hook)).toContain('auto-paused: 10 attempts in a row ended agent_error');

    // The agent is gone for good: the batch cannot recover and ends failed.
    expect((await api(platform, '/api/agents/crashing-bot', { method: 'DELETE' })).status).toBe(204);
    await waitForBatch(platform, id, 'failed', 30_000);
    const after = await api(platform, `/api/batch-calls/${id}/activity?page_size=100`);
    expect(after.body.items.at(-1)).toMatchObject({
      kind: 'failed',
      actor: 'agent deleted',
      message: 'failed: agent crashing-bot was deleted',
    });
    // Nobody may resume a failed batch (SPEC §4).
    expect((await api(platform, `/api/batch-calls/${id}/resume`, { method: 'POST' })).status).toBe(409);
  }, 180_000);
  it('ends a batch failed at once when its provider is not configured (twilio without credentials), with the reason', async () => {
    const agent = await api(platform, '/api/agents', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        agent_id: 'unconfigured-twilio-bot',
        name: 'Twilio bot without credentials',
        provider: 'twilio',
        config: { twiml_url: 'https://agents.example.com/twiml' },
      }),
    });
    expect(agent.status).toBe(201);
    const lines = ['phone,name'];
    for (let i = 0; i < 30; i++) lines.push(`+1415557${String(i).padStart(4, '0')},Contact ${i}`);
    const created = await uploadCsv(platform, lines.join('\n') + '\n', {
      agent_id: 'unconfigured-twilio-bot',
      concurrency: '5',
      max_attempts: '1',
    });
    expect(created.status).toBe(201);
    const id = created.body.batch_id;

    const failed = await waitForBatch(platform, id, 'failed', 60_000);
    // It stopped at the first attempts (those under way when the first one reported), not after 30.
    const attempts = await platform.db.query(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE unrecoverable_reason = 'provider_not_configured')::int AS unrecoverable
         FROM dialer.attempts WHERE batch_id = $1`,
      [id],
    );
    expect(attempts.rows[0].unrecoverable).toBeGreaterThanOrEqual(1);
    expect(attempts.rows[0].n).toBeLessThanOrEqual(10);
    expect(failed.status).toBe('failed');
    const activity = await api(platform, `/api/batch-calls/${id}/activity?page_size=100`);
    const last = activity.body.items.at(-1);
    expect(last.kind).toBe('failed');
    expect(last.message).toContain('provider twilio is not configured');

    const deadline = Date.now() + 30_000;
    while (!hooks.some((h) => h.type === 'batch.failed' && h.batch_id === id) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    expect(hooks.find((h) => h.type === 'batch.failed' && h.batch_id === id)).toBeDefined();
    expect((await api(platform, `/api/batch-calls/${id}/resume`, { method: 'POST' })).status).toBe(409);
  }, 120_000);
});
