import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { ListPage, Subjects, WebhookDeliveryView } from '@outdial/contracts';
import { RunningService, startService } from '@outdial/service-runtime';

import { createIsolatedEnv, IsolatedEnv } from '../../../test/support/isolated-env';
import { reportingTables } from '../src/persistence/reporting-tables';
import { WebhookDeliveriesRepository } from '../src/persistence/webhook-deliveries.repository';
import { ReportingEnv } from '../src/reporting-env';
import { reportingService } from '../src/reporting-service';
import { PruneWebhookHistoryUseCase } from '../src/usecases/prune-webhook-history/prune-webhook-history.usecase';

const ORG = 'org-hooks';
const RETRY_BASE_MS = 200;

/** A real HTTP receiver on localhost answering the given statuses in turn (the last one repeats). */
async function startReceiver(statuses: number[]): Promise<{ url: string; hits: number[]; close(): Promise<void> }> {
  const hits: number[] = [];
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const status = statuses[Math.min(hits.length, statuses.length - 1)];
      hits.push(Date.now());
      res.writeHead(status).end(status >= 400 ? 'not now' : 'ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    hits,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A port nothing listens on (bound, then closed). */
async function deadUrl(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/hook`;
}

/**
 * Webhook delivery history (issue 12 §5) against the real PostgreSQL and NATS, with real HTTP
 * receivers on localhost: every try is kept and listed (time, status or error, duration), paged,
 * and finished deliveries are pruned after the retention period.
 */
describe('webhook delivery history', () => {
  let env: IsolatedEnv;
  let running: RunningService<ReportingEnv>;
  let events = 0;

  beforeAll(async () => {
    env = await createIsolatedEnv('webhooks');
    running = await startService(reportingService, {
      env: {
        ...process.env,
        ...env.serviceEnv(),
        WEBHOOK_RETRY_BASE_MS: String(RETRY_BASE_MS),
        WEBHOOK_RETRY_MAX_MS: '1000',
        WEBHOOK_POLL_MS: '50',
        WEBHOOK_TIMEOUT_MS: '2000',
        WEBHOOK_MAX_ATTEMPTS: '3',
        WEBHOOK_HISTORY_RETENTION_DAYS: '7',
      },
    });
  });

  afterAll(async () => {
    await running?.app.close();
    await env?.cleanup();
  });

  const createEndpoint = (url: string) =>
    running.runtime.rpc.request(Subjects.reportingWebhookCreate, { org_id: ORG, url }, 10_000);
  const deliveries = (webhookId: string, over: { page?: number; page_size?: number; org_id?: string } = {}) =>
    running.runtime.rpc.request(
      Subjects.reportingWebhookDeliveries,
      { org_id: ORG, webhook_id: webhookId, page: 1, page_size: 50, ...over },
      10_000,
    );

  /** Records one batch.started event for the org's endpoints, as the event handlers do. */
  async function sendEvent(): Promise<void> {
    const outbox = running.app.get(WebhookDeliveriesRepository);
    const now = new Date();
    await running.runtime.db.tx((client) =>
      outbox.enqueue(
        client,
        {
          orgId: ORG,
          batchId: `batch-${++events}`,
          callbackUrl: null,
          type: 'batch.started',
          causeId: `cause-${events}`,
          createdAt: now,
          data: { n: events },
        },
        now,
      ),
    );
  }

  async function until(
    webhookId: string,
    done: (page: ListPage<WebhookDeliveryView>) => boolean,
    ms = 15_000,
  ): Promise<ListPage<WebhookDeliveryView>> {
    const deadline = Date.now() + ms;
    for (;;) {
      const page = await deliveries(webhookId);
      if (done(page)) return page;
      if (Date.now() > deadline) throw new Error(`deliveries never got there: ${JSON.stringify(page)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it('a receiver answering 500, 500, then 200 shows three tries with those statuses, times and durations', async () => {
    const receiver = await startReceiver([500, 500, 200]);
    try {
      const endpoint = await createEndpoint(receiver.url);
      await sendEvent();
      const page = await until(endpoint.webhook_id, (p) => p.items[0]?.status === 'delivered');
      expect(page.total).toBe(1);
      const [delivery] = page.items;
      expect(delivery).toMatchObject({ status: 'delivered', attempts: 3, last_status_code: 200, last_error: null });
      expect(
        delivery.attempt_history.map(({ attempt, status_code, error, result }) => ({
          attempt,
          status_code,
          error,
          result,
        })),
      ).toEqual([
        { attempt: 1, status_code: 500, error: 'HTTP 500', result: 'failed' },
        { attempt: 2, status_code: 500, error: 'HTTP 500', result: 'failed' },
        { attempt: 3, status_code: 200, error: null, result: 'succeeded' },
      ]);
      expect(receiver.hits).toHaveLength(3);
      const starts = delivery.attempt_history.map((a) => Date.parse(a.started_at));
      // Each retry waited its backoff (base, then twice the base) after the try before.
      expect(starts[1] - starts[0]).toBeGreaterThanOrEqual(RETRY_BASE_MS);
      expect(starts[2] - starts[1]).toBeGreaterThanOrEqual(2 * RETRY_BASE_MS);
      for (const attempt of delivery.attempt_history) {
        expect(attempt.duration_ms).toEqual(expect.any(Number));
        expect(attempt.duration_ms).toBeGreaterThanOrEqual(0);
        expect(attempt.duration_ms).toBeLessThan(2000);
      }
      expect(Date.parse(delivery.delivered_at!)).toBeGreaterThanOrEqual(starts[2]);
    } finally {
      await receiver.close();
    }
  });

  it('a receiver nobody answers for shows the network error of each try, and the delivery fails after WEBHOOK_MAX_ATTEMPTS', async () => {
    const endpoint = await createEndpoint(await deadUrl());
    await sendEvent();
    const page = await until(endpoint.webhook_id, (p) => p.items[0]?.status === 'failed');
    const [delivery] = page.items;
    expect(delivery.attempts).toBe(3);
    expect(delivery.attempt_history).toHaveLength(3);
    for (const attempt of delivery.attempt_history) {
      expect(attempt).toMatchObject({
        status_code: null,
        result: 'failed',
        error: expect.stringContaining('ECONNREFUSED'),
      });
      expect(attempt.duration_ms).toEqual(expect.any(Number));
    }
  });

  it('a try whose sender died mid-try shows as interrupted, and the retry after its lease expired as the next try', async () => {
    const receiver = await startReceiver([200]);
    try {
      const endpoint = await createEndpoint(receiver.url);
      const db = running.runtime.db;
      const tables = reportingTables(db);
      // As a crashed replica leaves it: claimed (try 1 on record, no result), lease already over.
      const now = new Date();
      await db.tx(async (client) => {
        await running.app.get(WebhookDeliveriesRepository).enqueue(
          client,
          {
            orgId: ORG,
            batchId: 'batch-crash',
            callbackUrl: null,
            type: 'batch.started',
            causeId: 'cause-crash',
            createdAt: now,
            data: {},
          },
          now,
        );
        const { rows } = await client.query<{ delivery_id: string }>(
          `UPDATE ${tables.webhookDeliveries} SET attempts = 1, next_attempt_at = $2 WHERE webhook_id = $1 RETURNING delivery_id`,
          [endpoint.webhook_id, new Date(now.getTime() - 1000)],
        );
        await client.query(
          `INSERT INTO ${tables.webhookDeliveryAttempts} (delivery_id, attempt, started_at) VALUES ($1, 1, $2)`,
          [rows[0].delivery_id, new Date(now.getTime() - 60_000)],
        );
      });
      const page = await until(endpoint.webhook_id, (p) => p.items[0]?.status === 'delivered');
      expect(
        page.items[0].attempt_history.map(({ attempt, status_code, duration_ms, error, result }) => ({
          attempt,
          status_code,
          duration_ms,
          error,
          result,
        })),
      ).toEqual([
        {
          attempt: 1,
          status_code: null,
          duration_ms: null,
          error: 'no result recorded: the sender stopped during this try',
          result: 'interrupted',
        },
        { attempt: 2, status_code: 200, duration_ms: expect.any(Number), error: null, result: 'succeeded' },
      ]);
      expect(receiver.hits).toHaveLength(1);
    } finally {
      await receiver.close();
    }
  });

  it('lists deliveries newest first, paged, each with its own tries; another org sees none', async () => {
    const receiver = await startReceiver([200]);
    try {
      const endpoint = await createEndpoint(receiver.url);
      for (let i = 0; i < 3; i++) await sendEvent();
      await until(endpoint.webhook_id, (p) => p.total === 3 && p.items.every((d) => d.status === 'delivered'));
      const first = await deliveries(endpoint.webhook_id, { page: 1, page_size: 2 });
      const second = await deliveries(endpoint.webhook_id, { page: 2, page_size: 2 });
      expect(first).toMatchObject({ total: 3, page: 1, page_size: 2 });
      expect(first.items).toHaveLength(2);
      expect(second.items).toHaveLength(1);
      const ids = [...first.items, ...second.items].map((d) => Number(d.delivery_id));
      expect(ids).toEqual([...ids].sort((a, b) => b - a));
      for (const d of [...first.items, ...second.items])
        expect(d.attempt_history.map((a) => [a.attempt, a.status_code, a.result])).toEqual([[1, 200, 'succeeded']]);
      const other = await deliveries(endpoint.webhook_id, { org_id: 'org-other', page: 1, page_size: 10 }).then(
        () => 'answered',
        (e: { code?: string }) => e.code,
      );
      expect(other).toBe('not_found');
    } finally {
      await receiver.close();
    }
  });

  it('prunes finished deliveries (and their tries) older than the retention period; pending ones stay', async () => {
    const db = running.runtime.db;
    const tables = reportingTables(db);
    const receiver = await startReceiver([200]);
    let endpointId: string;
    try {
      const endpoint = await createEndpoint(receiver.url);
      endpointId = endpoint.webhook_id;
      for (let i = 0; i < 3; i++) await sendEvent();
      await until(endpointId, (p) => p.total === 3 && p.items.every((d) => d.status === 'delivered'));
    } finally {
      await receiver.close();
    }
    const ids = (
      await db.query<{ delivery_id: string }>(
        `SELECT delivery_id FROM ${tables.webhookDeliveries} WHERE webhook_id = $1 ORDER BY delivery_id`,
        [endpointId],
      )
    ).map((r) => r.delivery_id);
    // One finished 8 days ago (past the 7-day retention), one 6 days ago (kept), one pending since long ago (kept).
    await db.query(
      `UPDATE ${tables.webhookDeliveries} SET finished_at = now() - interval '8 days' WHERE delivery_id = $1`,
      [ids[0]],
    );
    await db.query(
      `UPDATE ${tables.webhookDeliveries} SET finished_at = now() - interval '6 days' WHERE delivery_id = $1`,
      [ids[1]],
    );
    await db.query(
      `UPDATE ${tables.webhookDeliveries} SET status = 'pending', finished_at = NULL, created_at = now() - interval '30 days', next_attempt_at = now() + interval '1 day' WHERE delivery_id = $1`,
      [ids[2]],
    );
    const deleted = await running.app.get(PruneWebhookHistoryUseCase).execute({ retentionDays: 7 });
    expect(deleted).toBe(1);
    const left = await db.query<{ delivery_id: string }>(
      `SELECT delivery_id FROM ${tables.webhookDeliveries} WHERE webhook_id = $1 ORDER BY delivery_id`,
      [endpointId],
    );
    expect(left.map((r) => r.delivery_id)).toEqual([ids[1], ids[2]]);
    const tries = await db.query<{ delivery_id: string }>(
      `SELECT delivery_id FROM ${tables.webhookDeliveryAttempts} WHERE delivery_id = ANY($1::bigint[])`,
      [ids],
    );
    expect(new Set(tries.map((r) => r.delivery_id))).toEqual(new Set([ids[1], ids[2]]));
    expect((await deliveries(endpointId)).total).toBe(2);
    // Nothing more to prune.
    expect(await running.app.get(PruneWebhookHistoryUseCase).execute({ retentionDays: 7 })).toBe(0);
  });
});
