import { createHash, createHmac, randomBytes } from 'node:crypto';
import http from 'node:http';
import { AddressInfo } from 'node:net';

import WebSocket from 'ws';

import { api, parseCsv, RunningPlatform, startPlatform, uploadCsv, waitForBatch } from '../support/platform';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const pdfParse: (data: Buffer) => Promise<{ text: string }> = require('pdf-parse/lib/pdf-parse.js');

/**
 * Reading a batch through the public API (SPEC §8/§9): lists with every filter, search and page,
 * exports (CSV, JSON, PDF), live progress over SSE and WebSocket, webhooks with signatures and
 * retries, system status, and another org's token getting 404 everywhere.
 */

interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A webhook receiver on localhost; `failFirst` answers 500 to the first N tries of each event. */
async function startReceiver(
  failFirst = 0,
): Promise<{ url: string; received: Received[]; tries: Map<string, number>; close(): Promise<void> }> {
  const received: Received[] = [];
  const tries = new Map<string, number>();
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const id = JSON.parse(body).id as string;
      const n = (tries.get(id) ?? 0) + 1;
      tries.set(id, n);
      if (n <= failFirst) {
        res.writeHead(500).end('not yet');
        return;
      }
      received.push({ path: req.url ?? '', headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    tries,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

function verifySignature(secret: string, r: Received): boolean {
  const ts = String(r.headers['x-outdial-timestamp']);
  const expected = `sha256=${createHmac('sha256', secret).update(`${ts}.${r.body}`).digest('hex')}`;
  return r.headers['x-outdial-signature'] === expected && Math.abs(Date.now() / 1000 - Number(ts)) < 600;
}

/** Reads an SSE stream until it ends; returns the events in order. */
async function readSse(url: string, token: string): Promise<{ event: string; data: any; at: number }[]> {
  const response = await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
  if (response.status !== 200) throw new Error(`SSE answered ${response.status}: ${await response.text()}`);
  expect(response.headers.get('content-type')).toMatch(/text\/event-stream/);
  const events: { event: string; data: any; at: number }[] = [];
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (event && data) events.push({ event, data: JSON.parse(data), at: Date.now() });
    }
  }
  return events;
}

function readWs(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ messages: { type: string; batch: any; at: number }[]; code: number; reason: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    const messages: { type: string; batch: any; at: number }[] = [];
    ws.on('message', (data) => messages.push({ ...JSON.parse(String(data)), at: Date.now() }));
    ws.on('close', (code, reason) => resolve({ messages, code, reason: String(reason) }));
    ws.on('error', reject);
  });
}

/** Most messages seen within any 1-second window. */
function peakPerSecond(times: number[]): number {
  let peak = 0;
  for (let i = 0; i < times.length; i++) {
    let j = i;
    while (j < times.length && times[j] - times[i] < 1000) j++;
    peak = Math.max(peak, j - i);
  }
  return peak;
}

const N = 30;
/** Contact i's script: every 5th is busy then completed (2 attempts), every 7th no_answer, rest completed. */
function script(i: number): { outcomes: string; status: string; attempts: number } {
  if (i % 7 === 3) return { outcomes: 'no_answer', status: 'failed', attempts: 2 };
  if (i % 5 === 1) return { outcomes: 'busy,completed', status: 'completed', attempts: 2 };
  if (i % 11 === 4) return { outcomes: 'voicemail', status: 'voicemail', attempts: 1 };
  return { outcomes: 'completed', status: 'completed', attempts: 1 };
}
const phoneOf = (i: number) => `+1415555${String(2000 + i).padStart(4, '0')}`;
const nameOf = (i: number) =>
  i === 0
    ? '=HYPERLINK("http://evil")'
    : i === 2
      ? 'Grace "Amazing" Hopper, RN'
      : `Person ${String(i).padStart(2, '0')}`;

describe('reporting through the public API', () => {
  let platform: RunningPlatform;
  let batchId: string;
  let otherToken: string;
  let plain: Awaited<ReturnType<typeof startReceiver>>;
  let flaky: Awaited<ReturnType<typeof startReceiver>>;
  let callback: Awaited<ReturnType<typeof startReceiver>>;
  let plainHook: { webhook_id: string; secret: string };
  let flakyHook: { webhook_id: string; secret: string };
  let sse: Promise<{ event: string; data: any; at: number }[]>;
  let wsHeader: ReturnType<typeof readWs>;
  let wsQuery: ReturnType<typeof readWs>;
  let final: any;

  beforeAll(async () => {
    platform = await startPlatform('reporting', {
      env: {
        WEBHOOK_RETRY_BASE_MS: '100',
        WEBHOOK_RETRY_MAX_MS: '400',
        WEBHOOK_POLL_MS: '50',
        WEBHOOK_TIMEOUT_MS: '2000',
        COST_PER_MINUTE: '0.12',
      },
    });
    // A second org with its own admin token, straight into the gateway's directory.
    otherToken = `od_other_${randomBytes(8).toString('hex')}`;
    await platform.db.query(`INSERT INTO gateway.orgs (org_id, name) VALUES ('other-org', 'Other')`);
    await platform.db.query(
      `INSERT INTO gateway.tokens (token_id, org_id, name, role, token_hash) VALUES ('tok_other', 'other-org', 'other', 'admin', $1)`,
      [createHash('sha256').update(otherToken).digest('hex')],
    );
    // Calls start faster than the default 1/s, so the batch takes seconds, not a minute.
    const limits = await api(platform, '/api/org', {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ calls_per_second: 10 }),
    });
    expect(limits.status).toBe(200);
    plain = await startReceiver();
    flaky = await startReceiver(3);
    callback = await startReceiver();
  }, 120_000);

  afterAll(async () => {
    if (process.env.DEBUG_REPORTING_E2E)
      console.log(
        platform.logs
          .filter((l) => /error|warn/i.test(l))
          .slice(-40)
          .join('\n'),
      );
    await Promise.all([plain?.close(), flaky?.close(), callback?.close()]);
    await platform?.stop();
  });

  it('registers webhook endpoints, showing each secret once', async () => {
    const created = await api(platform, '/api/webhooks', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ url: plain.url, description: 'all events' }),
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ url: plain.url, events: [], description: 'all events' });
    expect(created.body.secret).toMatch(/^whsec_/);
    plainHook = created.body;
    const second = await api(platform, '/api/webhooks', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ url: flaky.url }),
    });
    expect(second.status).toBe(201);
    flakyHook = second.body;
    const onlyEnd = await api(platform, '/api/webhooks', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ url: `${plain.url}?only-end`, events: ['batch.completed'] }),
    });
    expect(onlyEnd.status).toBe(201);

    const list = await api(platform, '/api/webhooks');
    expect(list.status).toBe(200);
    expect(list.body.total).toBe(3);
    expect(list.body.items.map((w: any) => w.webhook_id)).toEqual([
      plainHook.webhook_id,
      flakyHook.webhook_id,
      onlyEnd.body.webhook_id,
    ]);
    expect(JSON.stringify(list.body)).not.toContain('whsec_');

    const badUrl = await api(platform, '/api/webhooks', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ url: 'ftp://x' }),
    });
    expect(badUrl.status).toBe(400);
    expect(JSON.stringify(badUrl.body.error.details)).toMatch(/url/);
    const badEvent = await api(platform, '/api/webhooks', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ url: plain.url, events: ['batch.exploded'] }),
    });
    expect(badEvent.status).toBe(400);
    expect(JSON.stringify(badEvent.body.error.details)).toMatch(/events/);
    // The third endpoint goes again: nothing is sent to a deleted endpoint.
    expect((await api(platform, `/api/webhooks/${onlyEnd.body.webhook_id}`, { method: 'DELETE' })).status).toBe(200);
    expect((await api(platform, `/api/webhooks/${onlyEnd.body.webhook_id}`, { method: 'DELETE' })).status).toBe(404);
  });

  it('creates a batch and follows it live over SSE and WebSocket to its final state', async () => {
    const lines = ['phone,name,sim_outcomes,sim_duration_seconds,plan'];
    for (let i = 0; i < N; i++)
      lines.push(
        `${phoneOf(i)},"${nameOf(i).replace(/"/g, '""')}","${script(i).outcomes}",20,${i === 1 ? '@SUM(A1:A9)' : `plan-${i % 3}`}`,
      );
    const created = await uploadCsv(platform, lines.join('\n') + '\n', {
      agent_id: 'agent-demo',
      name: 'Reporting spring campaign',
      concurrency: '3',
      max_attempts: '2',
      retry_policy: JSON.stringify({ retry_on: ['busy', 'no_answer'], delays_seconds: [0] }),
      callback_url: callback.url,
    });
    expect(created.status).toBe(201);
    batchId = created.body.batch_id;
    const token = platform.token;
    const wsBase = platform.gatewayUrl.replace(/^http/, 'ws');
    sse = readSse(`${platform.gatewayUrl}/api/batch-calls/${batchId}/events`, token);
    wsHeader = readWs(`${wsBase}/ws/batch/${batchId}`, { Authorization: `Bearer ${token}` });
    wsQuery = readWs(`${wsBase}/ws/batch/${batchId}?token=${encodeURIComponent(token)}`);

    final = await waitForBatch(platform, batchId, 'completed', 180_000);
    const completedCount = Array.from({ length: N }, (_, i) => script(i)).filter(
      (s) => s.status === 'completed',
    ).length;
    expect(final).toMatchObject({
      total_calls: N,
      completed: completedCount,
      failed: N - completedCount,
      pending: 0,
      in_progress: 0,
      progress_percent: 100,
    });
    expect(final.success_rate).toBe(Math.round((completedCount / N) * 1000) / 10);
    expect(final.avg_duration_seconds).toBeGreaterThan(0);
    expect(final.cost_so_far).toBeGreaterThan(0);

    const events = await sse;
    expect(events[0].event).toBe('status');
    expect(events[events.length - 1].event).toBe('final');
    expect(events[events.length - 1].data).toMatchObject({
      batch_id: batchId,
      status: 'completed',
      completed: completedCount,
      pending: 0,
    });
    expect(events.filter((e) => e.event === 'progress').length).toBeGreaterThan(0);
    // Progress only moves forward, and never faster than ~10 messages a second.
    const progress = events.map((e) => e.data.progress_percent);
    expect([...progress].sort((a, b) => a - b)).toEqual(progress);
    expect(peakPerSecond(events.slice(1).map((e) => e.at))).toBeLessThanOrEqual(12);

    for (const ws of [await wsHeader, await wsQuery]) {
      expect(ws.code).toBe(1000);
      expect(ws.messages[0].type).toBe('status');
      expect(ws.messages.filter((m) => m.type === 'progress').length).toBeGreaterThan(0);
      expect(ws.messages[ws.messages.length - 1]).toMatchObject({
        type: 'final',
        batch: { batch_id: batchId, status: 'completed', completed: completedCount },
      });
      expect(peakPerSecond(ws.messages.slice(1).map((m) => m.at))).toBeLessThanOrEqual(12);
    }

    // Connecting to a finished batch: the state, then at once the final message.
    const late = await readSse(`${platform.gatewayUrl}/api/batch-calls/${batchId}/events`, token);
    expect(late.map((e) => e.event)).toEqual(['status', 'final']);
  });

  it('lists contacts with every filter, search and page size', async () => {
    const all = await api(platform, `/api/batch-calls/${batchId}/contacts`);
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ total: N, page: 1, page_size: 50 });
    expect(all.body.items.map((c: any) => c.phone)).toEqual(Array.from({ length: N }, (_, i) => phoneOf(i)));
    const item = all.body.items[5];
    expect(Object.keys(item).sort()).toEqual(
      [
        'contact_id',
        'row',
        'phone',
        'name',
        'variables',
        'status',
        'last_outcome',
        'attempts',
        'max_attempts',
        'last_attempt_at',
        'next_retry_at',
        'duration_seconds',
        'failure_reason',
        'call_id',
        'recording_url',
        'transcript',
      ].sort(),
    );
    expect(item).toMatchObject({
      row: 6,
      phone: phoneOf(5),
      name: 'Person 05',
      status: 'completed',
      attempts: 1,
      max_attempts: 2,
      variables: { plan: 'plan-2' },
    });
    expect(item.call_id).toBeTruthy();
    expect(item.duration_seconds).toBeGreaterThan(0);

    const page2 = await api(platform, `/api/batch-calls/${batchId}/contacts?page_size=25&page=2`);
    expect(page2.body).toMatchObject({ total: N, page: 2, page_size: 25 });
    expect(page2.body.items.map((c: any) => c.row)).toEqual([26, 27, 28, 29, 30]);
    const beyond = await api(platform, `/api/batch-calls/${batchId}/contacts?page=9`);
    expect(beyond.body).toMatchObject({ items: [], total: N });

    const expectRows = (indexes: number[]) => indexes.map((i) => phoneOf(i));
    const idx = Array.from({ length: N }, (_, i) => i);
    const failed = await api(platform, `/api/batch-calls/${batchId}/contacts?status=failed`);
    expect(failed.body.items.map((c: any) => c.phone)).toEqual(
      expectRows(idx.filter((i) => script(i).status === 'failed')),
    );
    expect(failed.body.total).toBe(idx.filter((i) => script(i).status === 'failed').length);
    expect(failed.body.items.every((c: any) => c.last_outcome === 'no_answer')).toBe(true);
    const several = await api(platform, `/api/batch-calls/${batchId}/contacts?status=failed,voicemail`);
    expect(several.body.total).toBe(idx.filter((i) => ['failed', 'voicemail'].includes(script(i).status)).length);
    const twice = await api(platform, `/api/batch-calls/${batchId}/contacts?attempts=2`);
    expect(twice.body.items.map((c: any) => c.phone)).toEqual(expectRows(idx.filter((i) => script(i).attempts === 2)));
    expect(twice.body.total).toBe(idx.filter((i) => script(i).attempts === 2).length);
    const twiceCompleted = await api(platform, `/api/batch-calls/${batchId}/contacts?attempts=2&status=completed`);
    expect(twiceCompleted.body.total).toBe(
      idx.filter((i) => script(i).attempts === 2 && script(i).status === 'completed').length,
    );
    const range = await api(platform, `/api/batch-calls/${batchId}/contacts?min_attempts=1&max_attempts=1`);
    expect(range.body.total).toBe(idx.filter((i) => script(i).attempts === 1).length);

    const byPhone = await api(
      platform,
      `/api/batch-calls/${batchId}/contacts?search=${encodeURIComponent('(415) 555-2017')}`,
    );
    expect(byPhone.body.items.map((c: any) => c.phone)).toEqual([phoneOf(17)]);
    expect(byPhone.body.total).toBe(1);
    const byName = await api(platform, `/api/batch-calls/${batchId}/contacts?search=grace%20%22amazing`);
    expect(byName.body.items.map((c: any) => c.name)).toEqual([nameOf(2)]);
    const byPart = await api(platform, `/api/batch-calls/${batchId}/contacts?search=person%201&page_size=25`);
    expect(byPart.body.items.map((c: any) => c.name)).toEqual(idx.filter((i) => i >= 10 && i <= 19).map(nameOf));
    const noMatch = await api(platform, `/api/batch-calls/${batchId}/contacts?search=nobody`);
    expect(noMatch.body).toMatchObject({ items: [], total: 0 });

    const lastAttempts = all.body.items
      .map((c: any) => Date.parse(c.last_attempt_at))
      .sort((a: number, b: number) => a - b);
    const middle = new Date(lastAttempts[Math.floor(N / 2)]).toISOString();
    const before = await api(platform, `/api/batch-calls/${batchId}/contacts?to=${middle}`);
    const after = await api(platform, `/api/batch-calls/${batchId}/contacts?from=${middle}`);
    expect(before.body.total + after.body.total).toBe(N);
    expect(before.body.items.every((c: any) => Date.parse(c.last_attempt_at) < Date.parse(middle))).toBe(true);
    expect(after.body.items.every((c: any) => Date.parse(c.last_attempt_at) >= Date.parse(middle))).toBe(true);
    const future = await api(platform, `/api/batch-calls/${batchId}/contacts?from=2999-01-01`);
    expect(future.body.total).toBe(0);

    for (const [query, field] of [
      ['page_size=20', 'page_size'],
      ['page_size=101', 'page_size'],
      ['status=done', 'status'],
      ['attempts=x', 'attempts'],
      ['from=yesterday', 'from'],
      ['page=0', 'page'],
      ['pagesize=25', 'pagesize'],
      ['from=2025-02-01&to=2025-01-01', 'to'],
    ]) {
      const bad = await api(platform, `/api/batch-calls/${batchId}/contacts?${query}`);
      expect([query, bad.status, bad.body.error.code]).toEqual([query, 400, 'validation_failed']);
      expect(bad.body.error.details.map((d: any) => d.field)).toContain(field);
    }
  });

  it('lists the attempts (calls) with SPEC §9 items', async () => {
    const totalAttempts = Array.from({ length: N }, (_, i) => script(i).attempts).reduce((a, b) => a + b, 0);
    const calls = await api(platform, `/api/batch-calls/${batchId}/calls?page_size=100`);
    expect(calls.status).toBe(200);
    expect(calls.body.total).toBe(totalAttempts);
    expect(calls.body.items).toHaveLength(totalAttempts);
    const call = calls.body.items[0];
    expect(Object.keys(call)).toEqual(
      expect.arrayContaining([
        'call_id',
        'contact_id',
        'phone',
        'attempt',
        'outcome',
        'status',
        'started_at',
        'answered_at',
        'ended_at',
        'duration_seconds',
        'cost',
        'provider',
        'provider_call_id',
      ]),
    );
    expect(call).toMatchObject({ status: 'ended', provider: 'simulated' });
    const started = calls.body.items.map((c: any) => Date.parse(c.started_at));
    expect([...started].sort((a, b) => a - b)).toEqual(started);
    const costSum = calls.body.items.reduce((sum: number, c: any) => sum + (c.cost ?? 0), 0);
    expect(Math.round(costSum * 10_000) / 10_000).toBe(final.cost_so_far);
    // cost = duration x 0.12 / 60 for every call
    // Cost is stored rounded to 4 decimals (reporting's attemptCost): within half a unit of the 4th.
    for (const c of calls.body.items)
      expect(Math.abs(c.cost - (c.duration_seconds * 0.12) / 60)).toBeLessThanOrEqual(0.00005 + 1e-12);

    const busy = await api(platform, `/api/batch-calls/${batchId}/calls?outcome=busy`);
    expect(busy.body.total).toBe(
      Array.from({ length: N }, (_, i) => script(i)).filter((s) => s.outcomes.startsWith('busy')).length,
    );
    expect(busy.body.items.every((c: any) => c.outcome === 'busy' && c.attempt === 1)).toBe(true);
    const paged = await api(platform, `/api/batch-calls/${batchId}/calls?page_size=10&page=2`);
    expect(paged.body.items.map((c: any) => c.call_id)).toEqual(
      calls.body.items.slice(10, 20).map((c: any) => c.call_id),
    );
    const ofOne = await api(
      platform,
      `/api/batch-calls/${batchId}/calls?contact_id=${encodeURIComponent(calls.body.items[0].contact_id)}`,
    );
    expect(ofOne.body.items.every((c: any) => c.contact_id === calls.body.items[0].contact_id)).toBe(true);
    expect((await api(platform, `/api/batch-calls/${batchId}/calls?outcome=exploded`)).status).toBe(400);
  });

  it('lists batches with status filter, search and pages', async () => {
    const second = await uploadCsv(platform, 'phone\n+14155559999\n', {
      agent_id: 'agent-demo',
      name: 'Tiny autumn list',
      scheduled_start_time: '2999-01-01T00:00:00Z',
    });
    expect(second.status).toBe(201);
    const all = await api(platform, '/api/batch-calls');
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ total: 2, page: 1, page_size: 50 });
    expect(all.body.items.map((b: any) => b.batch_id)).toEqual([second.body.batch_id, batchId]);
    expect(all.body.items[1]).toMatchObject({
      name: 'Reporting spring campaign',
      status: 'completed',
      total_calls: N,
      completed: final.completed,
    });
    expect((await api(platform, '/api/batch-calls?status=completed')).body.items.map((b: any) => b.batch_id)).toEqual([
      batchId,
    ]);
    expect((await api(platform, '/api/batch-calls?status=scheduled,completed')).body.total).toBe(2);
    expect((await api(platform, '/api/batch-calls?search=AUTUMN')).body.items.map((b: any) => b.batch_id)).toEqual([
      second.body.batch_id,
    ]);
    expect((await api(platform, `/api/batch-calls?search=${batchId}`)).body.total).toBe(1);
    const paged = await api(platform, '/api/batch-calls?page_size=1&page=2');
    expect(paged.body).toMatchObject({ total: 2, page: 2, page_size: 1 });
    expect(paged.body.items.map((b: any) => b.batch_id)).toEqual([batchId]);
    expect((await api(platform, '/api/batch-calls?status=finished')).status).toBe(400);
    expect((await api(platform, '/api/batch-calls?page_size=101')).status).toBe(400);
  });

  it('exports the results CSV by filter, escaped against formula injection', async () => {
    const all = await api(platform, `/api/batch-calls/${batchId}/results?filter=all`);
    expect(all.status).toBe(200);
    const [header, ...rows] = parseCsv(all.text);
    expect(header).toEqual([
      'phone',
      'name',
      'status',
      'attempts',
      'call_id',
      'duration_seconds',
      'recording_url',
      'transcript',
      'error_message',
      'last_attempt_at',
      'sim_outcomes',
      'sim_duration_seconds',
      'plan',
    ]);
    expect(rows).toHaveLength(N);
    expect(rows[0][1]).toBe(`'${nameOf(0)}`);
    expect(rows[1][12]).toBe("'@SUM(A1:A9)");
    expect(rows[2][1]).toBe(nameOf(2));
    expect(rows[0][0]).toBe(phoneOf(0)); // a phone's + is not a formula
    const successful = parseCsv(
      (await api(platform, `/api/batch-calls/${batchId}/results?filter=successful`)).text,
    ).slice(1);
    const failedRows = parseCsv((await api(platform, `/api/batch-calls/${batchId}/results?filter=failed`)).text).slice(
      1,
    );
    expect(successful.map((r) => r[0])).toEqual(
      Array.from({ length: N }, (_, i) => i)
        .filter((i) => script(i).status === 'completed')
        .map(phoneOf),
    );
    expect(failedRows.map((r) => r[0])).toEqual(
      Array.from({ length: N }, (_, i) => i)
        .filter((i) => script(i).status !== 'completed')
        .map(phoneOf),
    );
    expect(failedRows.every((r) => r[8] !== '')).toBe(true);
    expect((await api(platform, `/api/batch-calls/${batchId}/results?filter=some`)).status).toBe(400);
  });

  it('reports as JSON and as a PDF that shows the batch numbers', async () => {
    const json = await api(platform, `/api/batch-calls/${batchId}/report.json`);
    expect(json.status).toBe(200);
    const report = json.body;
    expect(report.summary).toMatchObject({
      batch_id: batchId,
      completed: final.completed,
      failed: final.failed,
      total_calls: N,
    });
    const idx = Array.from({ length: N }, (_, i) => i);
    expect(report.contacts_by_status).toMatchObject({
      completed: final.completed,
      failed: idx.filter((i) => script(i).status === 'failed').length,
      voicemail: idx.filter((i) => script(i).status === 'voicemail').length,
      pending: 0,
    });
    expect(report.calls_by_outcome).toMatchObject({
      busy: idx.filter((i) => script(i).outcomes.startsWith('busy')).length,
      no_answer: 2 * idx.filter((i) => script(i).status === 'failed').length,
    });
    expect(report.cost).toMatchObject({ currency: 'USD', rate_per_minute: 0.12, cost_so_far: final.cost_so_far });
    expect(report.timing.calls_made).toBe(idx.reduce((n, i) => n + script(i).attempts, 0));
    expect(report.timing.elapsed_seconds).toBeGreaterThanOrEqual(0);

    const pdf = await fetch(`${platform.gatewayUrl}/api/batch-calls/${batchId}/report.pdf`, {
      headers: { Authorization: `Bearer ${platform.token}` },
    });
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const bytes = Buffer.from(await pdf.arrayBuffer());
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    const { text } = await pdfParse(bytes);
    expect(text).toContain('Reporting spring campaign');
    expect(text).toContain(batchId);
    expect(text).toMatch(new RegExp(`Total contacts\\s*${N}`));
    expect(text).toMatch(new RegExp(`Completed \\(successful\\)\\s*${final.completed}`));
    expect(text).toMatch(new RegExp(`Failed \\(final, not successful\\)\\s*${final.failed}`));
    expect(text).toMatch(new RegExp(`Success rate\\s*${final.success_rate}%`));
    expect(text).toContain('Outcome breakdown');
    expect(text).toContain(`${final.cost_so_far.toFixed(4)} USD`);
  });

  it('delivers every webhook event once per id, signed, to endpoints and the batch callback_url, retrying a failing receiver', async () => {
    const idx = Array.from({ length: N }, (_, i) => i);
    const expectedTypes = new Map<string, number>([
      ['batch.started', 1],
      ['batch.call_completed', idx.filter((i) => script(i).status === 'completed').length],
      ['batch.call_failed', idx.filter((i) => script(i).status !== 'completed').length],
      ['batch.completed', 1],
    ]);
    const expectedTotal = [...expectedTypes.values()].reduce((a, b) => a + b, 0);
    const deadline = Date.now() + 30_000;
    const received = (r: Awaited<ReturnType<typeof startReceiver>>) =>
      r.received.filter((x) => !x.path.includes('only-end'));
    while (Date.now() < deadline && [plain, flaky, callback].some((r) => received(r).length < expectedTotal))
      await new Promise((r) => setTimeout(r, 100));

    const { body: cbSecret } = await api(platform, '/api/webhooks/callback-secret');
    for (const [receiver, secret] of [
      [plain, plainHook.secret],
      [flaky, flakyHook.secret],
      [callback, cbSecret.secret],
    ] as const) {
      const got = received(receiver);
      const bodies = got.map((r) => JSON.parse(r.body));
      expect(new Set(bodies.map((b) => b.id)).size).toBe(got.length); // once per id
      const counts = new Map<string, number>();
      for (const b of bodies) counts.set(b.type, (counts.get(b.type) ?? 0) + 1);
      expect(Object.fromEntries(counts)).toEqual(Object.fromEntries(expectedTypes));
      expect(got.every((r) => verifySignature(secret, r))).toBe(true);
      expect(got.some((r) => verifySignature('whsec_wrong', r))).toBe(false);
      for (const b of bodies) {
        expect(Object.keys(b).sort()).toEqual(['batch_id', 'created_at', 'data', 'id', 'type']);
        expect(b.batch_id).toBe(batchId);
      }
      const done = bodies.find((b) => b.type === 'batch.completed');
      expect(done.data).toMatchObject({ status: 'completed', total_calls: N });
      const callDone = bodies.find((b) => b.type === 'batch.call_completed');
      expect(callDone.data).toMatchObject({ status: 'completed' });
      expect(callDone.data.phone).toMatch(/^\+1415555/);
    }
    // The same event ids at every target.
    const ids = (r: Awaited<ReturnType<typeof startReceiver>>) =>
      received(r)
        .map((x) => JSON.parse(x.body).id)
        .sort();
    expect(ids(flaky)).toEqual(ids(plain));
    expect(ids(callback)).toEqual(ids(plain));
    // The flaky receiver saw each event 4 times (3 failures, then success); the log says so.
    expect([...flaky.tries.values()].every((n) => n === 4)).toBe(true);
    const log = await api(platform, `/api/webhooks/${flakyHook.webhook_id}/deliveries?page_size=100`);
    expect(log.status).toBe(200);
    expect(log.body.total).toBe(expectedTotal);
    expect(
      log.body.items.every((d: any) => d.status === 'delivered' && d.attempts === 4 && d.last_status_code === 204),
    ).toBe(true);
    // Every try is listed (issue 12 §5): 500, 500, 500, then 204, each with its time and duration.
    for (const d of log.body.items) {
      expect(d.attempt_history.map((a: any) => [a.attempt, a.status_code, a.result])).toEqual([
        [1, 500, 'failed'],
        [2, 500, 'failed'],
        [3, 500, 'failed'],
        [4, 204, 'succeeded'],
      ]);
      expect(
        d.attempt_history.every(
          (a: any) => typeof a.duration_ms === 'number' && !Number.isNaN(Date.parse(a.started_at)),
        ),
      ).toBe(true);
    }
    const plainLog = await api(
      platform,
      `/api/webhooks/${plainHook.webhook_id}/deliveries?status=delivered&page_size=5`,
    );
    expect(plainLog.body).toMatchObject({ total: expectedTotal, page_size: 5 });
    expect(plainLog.body.items[0]).toMatchObject({ attempts: 1, status: 'delivered', url: plain.url });
    expect((await api(platform, `/api/webhooks/${plainHook.webhook_id}/deliveries?status=failed`)).body.total).toBe(0);
  });

  it('shows system status', async () => {
    const status = await api(platform, '/api/system/status');
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({
      active_batches: 0,
      active_calls: 0,
      batches_by_status: { completed: 1, scheduled: 1 },
    });
    expect(status.body.queues.length).toBeGreaterThan(5);
    expect(status.body.queues.find((q: any) => /DIAL$/.test(q.stream))).toMatchObject({ pending: 0 });
    expect(status.body.cpu.cores).toBeGreaterThan(0);
    expect(status.body.memory.total_bytes).toBeGreaterThan(status.body.memory.free_bytes);
    expect(status.body.disk.total_bytes).toBeGreaterThan(0);
  });

  it("answers 404 to another org's token on every endpoint", async () => {
    const other = { Authorization: `Bearer ${otherToken}` };
    const paths = [
      '',
      '/contacts',
      '/calls',
      '/results',
      '/results?filter=failed',
      '/report.json',
      '/report.pdf',
      '/events',
    ];
    for (const path of paths) {
      const response = await fetch(`${platform.gatewayUrl}/api/batch-calls/${batchId}${path}`, { headers: other });
      expect([path, response.status]).toEqual([path, 404]);
      expect((await response.json()).error.code).toBe('not_found');
    }
    for (const [method, path] of [
      ['GET', `/api/webhooks/${plainHook.webhook_id}/deliveries`],
      ['DELETE', `/api/webhooks/${plainHook.webhook_id}`],
    ]) {
      const response = await fetch(`${platform.gatewayUrl}${path}`, { method, headers: other });
      expect([path, response.status]).toEqual([path, 404]);
    }
    const list = await fetch(`${platform.gatewayUrl}/api/batch-calls`, { headers: other });
    expect((await list.json()).total).toBe(0);
    expect((await (await fetch(`${platform.gatewayUrl}/api/webhooks`, { headers: other })).json()).total).toBe(0);
    expect(
      (await (await fetch(`${platform.gatewayUrl}/api/system/status`, { headers: other })).json()).batches_by_status,
    ).toEqual({});

    const wsBase = platform.gatewayUrl.replace(/^http/, 'ws');
    const ws = await readWs(`${wsBase}/ws/batch/${batchId}?token=${otherToken}`);
    expect([ws.code, ws.messages]).toEqual([4404, []]);
    const noToken = await readWs(`${wsBase}/ws/batch/${batchId}`);
    expect([noToken.code, noToken.messages]).toEqual([4401, []]);
    const badToken = await readWs(`${wsBase}/ws/batch/${batchId}`, { Authorization: 'Bearer nope' });
    expect(badToken.code).toBe(4401);
    const sseNoToken = await fetch(`${platform.gatewayUrl}/api/batch-calls/${batchId}/events`);
    expect(sseNoToken.status).toBe(401);
  });
});
