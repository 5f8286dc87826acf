import { Database } from '@outdial/service-runtime';

import { CallbackSecretsRepository } from '../src/persistence/callback-secrets.repository';
import { reportingTables } from '../src/persistence/reporting-tables';
import { WebhookDeliveriesRepository, WebhookEventToSend } from '../src/persistence/webhook-deliveries.repository';
import { WebhookEndpointsRepository } from '../src/persistence/webhook-endpoints.repository';
import { repositoryDb } from './support/repository-db';

const NOW = new Date('2025-01-01T10:00:00.000Z');
const LATER = new Date('2025-01-01T10:05:00.000Z');

/** The webhook outbox (endpoints, deliveries and their tries, callback secrets) against the real PostgreSQL. */
describe('WebhookDeliveriesRepository (PostgreSQL)', () => {
  let db: Database;
  let close: () => Promise<void>;
  let endpoints: WebhookEndpointsRepository;
  let secrets: CallbackSecretsRepository;
  let deliveries: WebhookDeliveriesRepository;

  const event = (over: Partial<WebhookEventToSend> = {}): WebhookEventToSend => ({
    orgId: 'org-1',
    batchId: 'b1',
    callbackUrl: null,
    type: 'batch.started',
    causeId: 'cause-1',
    createdAt: NOW,
    data: { n: 1 },
    ...over,
  });

  beforeAll(async () => {
    ({ db, close } = await repositoryDb('webhooksrepo'));
    endpoints = new WebhookEndpointsRepository(db);
    secrets = new CallbackSecretsRepository(db);
    deliveries = new WebhookDeliveriesRepository(db, endpoints, secrets);
    await db.tx(async (c) => {
      await endpoints.insert(
        c,
        { webhookId: 'wh_all', secret: 'whsec_all', createdAt: NOW },
        { org_id: 'org-1', url: 'http://127.0.0.1:1/all' },
      );
      await endpoints.insert(
        c,
        { webhookId: 'wh_done', secret: 'whsec_done', createdAt: NOW },
        { org_id: 'org-1', url: 'http://127.0.0.1:1/done', events: ['batch.completed', 'batch.completed'] },
      );
      await endpoints.insert(
        c,
        { webhookId: 'wh_other', secret: 'whsec_other', createdAt: NOW },
        { org_id: 'org-2', url: 'http://127.0.0.1:1/other' },
      );
    });
  });

  afterAll(async () => {
    await close?.();
  });

  it('fans an event out to the endpoints that want it and the batch callback_url, once per cause', async () => {
    expect(await db.tx((c) => deliveries.enqueue(c, event({ callbackUrl: 'http://127.0.0.1:1/callback' }), NOW))).toBe(
      2,
    );
    expect(await db.tx((c) => deliveries.enqueue(c, event({ callbackUrl: 'http://127.0.0.1:1/callback' }), NOW))).toBe(
      0,
    );
    // `batch.started` is keyed by batch: another cause of the same start adds nothing either.
    expect(await db.tx((c) => deliveries.enqueue(c, event({ causeId: 'cause-2' }), NOW))).toBe(0);
    expect(await db.tx((c) => deliveries.enqueue(c, event({ orgId: 'org-3' }), NOW))).toBe(0); // no target
    // The callback_url delivery made the org's callback secret.
    const secret = await secrets.getOrCreate('org-1', NOW);
    expect(secret).toMatch(/^whsec_/);
    expect(await secrets.getOrCreate('org-1', LATER)).toBe(secret);
    expect((await endpoints.listActive('org-1')).map((e) => [e.webhook_id, e.events])).toEqual([
      ['wh_all', []],
      ['wh_done', ['batch.completed']],
    ]);
  });

  it('claims due deliveries with SKIP LOCKED (concurrent claims never share one), records each try, and lists them', async () => {
    await db.tx((c) => deliveries.enqueue(c, event({ batchId: 'b2', type: 'batch.completed', causeId: 'x' }), NOW)); // wh_all + wh_done
    const [a, b] = await Promise.all([
      deliveries.claimDue(LATER, 2, new Date(LATER.getTime() + 60_000)),
      deliveries.claimDue(LATER, 2, new Date(LATER.getTime() + 60_000)),
    ]);
    const claimed = [...a, ...b];
    expect(claimed).toHaveLength(4);
    expect(new Set(claimed.map((d) => d.delivery_id)).size).toBe(4);
    expect(claimed.every((d) => d.attempts === 1 && d.secret !== null)).toBe(true);
    // Claimed again only after the lease.
    expect(await deliveries.claimDue(LATER, 10, LATER)).toEqual([]);
    const first = claimed[0];
    await deliveries.recordTry(first, {
      status: 'delivered',
      nextAttemptAt: LATER,
      statusCode: 200,
      error: null,
      deliveredAt: LATER,
      finishedAt: LATER,
      durationMs: 12,
    });
    const tries = await deliveries.triesOf([first.delivery_id]);
    expect(tries.get(Number(first.delivery_id))).toEqual([
      { attempt: 1, started_at: LATER, duration_ms: 12, status_code: 200, error: null },
    ]);
    const { rows, total } = await deliveries.page({ org_id: 'org-1', webhook_id: 'wh_all', page: 1, page_size: 10 });
    expect(total).toBe(2);
    expect(rows.map((r) => Number(r.delivery_id))).toEqual(
      [...rows.map((r) => Number(r.delivery_id))].sort((x, y) => y - x),
    );
    expect(await endpoints.exists('wh_all', 'org-1')).toBe(true);
    expect(await endpoints.exists('wh_all', 'org-2')).toBe(false);
  });

  it('gives up the pending deliveries of a deleted endpoint and never prunes pending ones', async () => {
    await db.tx((c) => deliveries.enqueue(c, event({ batchId: 'b3', type: 'batch.paused', causeId: 'p' }), NOW));
    expect(await db.tx((c) => endpoints.softDelete(c, 'wh_all', 'org-1', LATER))).toBe(true);
    expect(await db.tx((c) => endpoints.softDelete(c, 'wh_all', 'org-1', LATER))).toBe(false);
    await db.tx((c) => deliveries.failPendingOf(c, 'wh_all', LATER));
    const tables = reportingTables(db);
    const pending = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${tables.webhookDeliveries} WHERE webhook_id = 'wh_all' AND status = 'pending'`,
    );
    expect(pending[0].n).toBe(0);
    expect(await deliveries.countOpenForOrg('org-1')).toEqual({
      pending: expect.any(Number),
      failed: expect.any(Number),
    });
    const before = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${tables.webhookDeliveries} WHERE status = 'pending'`,
    );
    // Everything finished before the cutoff goes, in slices; pending ones stay.
    let pruned = 0;
    for (
      let slice = await deliveries.pruneFinished(new Date('2030-01-01T00:00:00Z'), 1);
      slice > 0;
      slice = await deliveries.pruneFinished(new Date('2030-01-01T00:00:00Z'), 1)
    )
      pruned += slice;
    expect(pruned).toBeGreaterThan(0);
    const left = await db.query<{ status: string }>(`SELECT status FROM ${tables.webhookDeliveries}`);
    expect(left.every((r) => r.status === 'pending')).toBe(true);
    expect(left).toHaveLength(before[0].n);
  });
});
