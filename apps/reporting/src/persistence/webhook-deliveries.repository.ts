import { Injectable } from '@nestjs/common';
import type { WebhookDeliveriesQuery, WebhookEventType } from '@outdial/contracts';
import { Database, SqlClient } from '@outdial/service-runtime';

import { WebhookAttemptRow } from '../domain/webhook-attempts';
import { endpointWants, webhookBody, webhookEventId, webhookEventKey } from '../domain/webhook-events';
import { CallbackSecretsRepository } from './callback-secrets.repository';
import { ReportingTables, reportingTables } from './reporting-tables';
import { WebhookEndpointsRepository } from './webhook-endpoints.repository';

/** A webhook event to record for sending (the outbox entry of a read-model change). */
export interface WebhookEventToSend {
  orgId: string;
  batchId: string;
  /** The batch's own `callback_url`, if it has one. */
  callbackUrl: string | null;
  type: WebhookEventType;
  /** Id of the event that caused it (pause/resume and call events are keyed by it). */
  causeId: string;
  createdAt: Date;
  data: Record<string, unknown>;
}

/** What one transaction's enqueues share (see `enqueue`); make one per transaction. */
export interface EnqueueCache {
  endpoints: Map<string, { webhook_id: string; url: string; events: string[] }[]>;
  secretsEnsured: Set<string>;
}

/** An empty EnqueueCache, for one transaction. */
export function newEnqueueCache(): EnqueueCache {
  return { endpoints: new Map(), secretsEnsured: new Set() };
}

/** A delivery claimed for one try, with the secret to sign it (null: its endpoint was deleted). */
export interface ClaimedDelivery {
  delivery_id: number;
  event_id: string;
  url: string;
  body: string;
  /** Tries so far, this one included. */
  attempts: number;
  secret: string | null;
  type: string;
}

/** How one try ended, as recorded. */
export interface DeliveryTryRecord {
  status: 'delivered' | 'failed' | 'pending';
  /** When the next try is due (pending), or the end time. */
  nextAttemptAt: Date;
  statusCode: number | null;
  error: string | null;
  deliveredAt: Date | null;
  finishedAt: Date | null;
  durationMs: number;
}

/** A delivery as its log lists it. */
export interface WebhookDeliveryRow {
  delivery_id: number;
  event_id: string;
  type: string;
  batch_id: string | null;
  url: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  next_attempt_at: Date;
  created_at: Date;
  delivered_at: Date | null;
}

/**
 * Webhook deliveries (`webhook_deliveries`, one per event and target, unique) and their tries
 * (`webhook_delivery_attempts`, deleted with their delivery: ON DELETE CASCADE): the outbox the
 * event handlers write and the dispatcher drains. Schema from `Database`.
 *
 * Transactions and locks:
 * - `enqueue` and `failPendingOf` run inside the caller's transaction: a delivery is recorded
 *   exactly when the change that caused it commits (the caller holds the batch row lock).
 * - `claimDue` is one statement: `FOR UPDATE SKIP LOCKED` over due pending rows, so replicas share
 *   the work without waiting for each other; it moves `next_attempt_at` to the lease end (a crashed
 *   sender's claim expires) and records the try's start.
 * - `pruneFinished` deletes one slice per statement with `FOR UPDATE SKIP LOCKED` (short
 *   transactions; replicas may prune at once).
 * - `recordTry`, `page`, `triesOf` and `countOpenForOrg` are single statements on the pool.
 */
@Injectable()
export class WebhookDeliveriesRepository {
  private readonly tables: ReportingTables;

  constructor(
    private readonly db: Database,
    private readonly endpoints: WebhookEndpointsRepository,
    private readonly callbackSecrets: CallbackSecretsRepository,
  ) {
    this.tables = reportingTables(db);
  }

  /**
   * Writes one delivery per target (the batch's callback_url and each org endpoint that wants the
   * type) in the caller's transaction; a repeated cause adds nothing (unique per event and target).
   * A callback_url delivery makes sure the org's callback secret exists.
   *
   * @param cache what one transaction already read (the org's endpoints, secrets ensured): a group
   *   of events enqueuing many webhooks reads each org's endpoints once. Only for one transaction:
   *   endpoints created or deleted meanwhile by another transaction are seen by the next one.
   *
   * @returns the deliveries written (0: no target, or all already recorded)
   */
  async enqueue(
    client: SqlClient,
    event: WebhookEventToSend,
    now: Date,
    cache: EnqueueCache = newEnqueueCache(),
  ): Promise<number> {
    let endpoints = cache.endpoints.get(event.orgId);
    if (!endpoints) {
      endpoints = await this.endpoints.targetsFor(client, event.orgId);
      cache.endpoints.set(event.orgId, endpoints);
    }
    const targets: { webhookId: string | null; url: string }[] = endpoints
      .filter((endpoint) => endpointWants(endpoint.events, event.type))
      .map((endpoint) => ({ webhookId: endpoint.webhook_id, url: endpoint.url }));
    if (event.callbackUrl) targets.push({ webhookId: null, url: event.callbackUrl });
    if (targets.length === 0) return 0;
    // callback_url deliveries are signed with the org's callback secret: make sure it exists.
    if (event.callbackUrl && !cache.secretsEnsured.has(event.orgId)) {
      await this.callbackSecrets.ensure(client, event.orgId, now);
      cache.secretsEnsured.add(event.orgId);
    }
    const id = webhookEventId(webhookEventKey(event.type, event.batchId, event.causeId));
    const body = webhookBody({
      id,
      type: event.type,
      created_at: event.createdAt.toISOString(),
      batch_id: event.batchId,
      data: event.data,
    });
    const inserted = await client.query(
      `INSERT INTO ${this.tables.webhookDeliveries} (event_id, org_id, batch_id, webhook_id, url, type, body, next_attempt_at, created_at)
       SELECT $1, $2, $3, t.webhook_id, t.url, $4, $5, $6, $6 FROM unnest($7::text[], $8::text[]) AS t(webhook_id, url)
       ON CONFLICT DO NOTHING`,
      [
        id,
        event.orgId,
        event.batchId,
        event.type,
        body,
        now,
        targets.map((t) => t.webhookId),
        targets.map((t) => t.url),
      ],
    );
    return inserted.rowCount ?? 0;
  }

  /**
   * Claims up to `limit` due deliveries (oldest due first) for one try each: counts the try, moves
   * `next_attempt_at` to `leaseUntil`, records the try's start (so a try whose sender dies mid-try
   * still shows), and returns each with the secret to sign it.
   */
  async claimDue(now: Date, limit: number, leaseUntil: Date): Promise<ClaimedDelivery[]> {
    return this.db.query<ClaimedDelivery>(
      `WITH due AS (
         SELECT delivery_id FROM ${this.tables.webhookDeliveries}
          WHERE status = 'pending' AND next_attempt_at <= $1
          ORDER BY next_attempt_at
          LIMIT $2
          FOR UPDATE SKIP LOCKED
       ),
       claimed AS (
         UPDATE ${this.tables.webhookDeliveries} d
            SET attempts = d.attempts + 1, next_attempt_at = $3
           FROM due
          WHERE d.delivery_id = due.delivery_id
         RETURNING d.delivery_id, d.event_id, d.url, d.body, d.attempts, d.type,
           CASE WHEN d.webhook_id IS NULL
                THEN (SELECT secret FROM ${this.tables.callbackSecrets} s WHERE s.org_id = d.org_id)
                ELSE (SELECT secret FROM ${this.tables.webhookEndpoints} e WHERE e.webhook_id = d.webhook_id AND e.deleted_at IS NULL)
           END AS secret
       ),
       -- The try is on record from its start: one whose sender dies mid-try still shows.
       tried AS (
         INSERT INTO ${this.tables.webhookDeliveryAttempts} (delivery_id, attempt, started_at)
         SELECT delivery_id, attempts, $1 FROM claimed
         ON CONFLICT DO NOTHING
       )
       SELECT * FROM claimed`,
      [now, limit, leaseUntil],
    );
  }

  /**
   * The delivery's new state and the try's outcome, in one statement (one commit). The delivery
   * only moves when this try is still its latest claim (`attempts`): a try that outlived its lease
   * (another replica claimed the delivery again) records its own outcome but does not overwrite
   * the newer claim's.
   */
  async recordTry(
    delivery: Pick<ClaimedDelivery, 'delivery_id' | 'attempts'>,
    outcome: DeliveryTryRecord,
  ): Promise<void> {
    await this.db.query(
      `WITH delivery AS (
         UPDATE ${this.tables.webhookDeliveries}
            SET status = $2, next_attempt_at = $3, last_status_code = $4, last_error = $5, delivered_at = $6, finished_at = $7
          WHERE delivery_id = $1 AND attempts = $9
       )
       UPDATE ${this.tables.webhookDeliveryAttempts}
          SET duration_ms = $8, status_code = $4, error = $5
        WHERE delivery_id = $1 AND attempt = $9`,
      [
        delivery.delivery_id,
        outcome.status,
        outcome.nextAttemptAt,
        outcome.statusCode,
        outcome.error,
        outcome.deliveredAt,
        outcome.finishedAt,
        outcome.durationMs,
        delivery.attempts,
      ],
    );
  }

  /** Gives up the endpoint's pending deliveries (it was deleted), in the caller's transaction. */
  async failPendingOf(client: SqlClient, webhookId: string, now: Date): Promise<void> {
    await client.query(
      `UPDATE ${this.tables.webhookDeliveries} SET status = 'failed', last_error = 'endpoint deleted', finished_at = $2 WHERE webhook_id = $1 AND status = 'pending'`,
      [webhookId, now],
    );
  }

  /** A page of the endpoint's deliveries (optionally of one status), newest first, with the total. */
  async page(query: WebhookDeliveriesQuery): Promise<{ rows: WebhookDeliveryRow[]; total: number }> {
    const params: unknown[] = [query.webhook_id];
    let where = 'webhook_id = $1';
    if (query.status) {
      params.push(query.status);
      where += ` AND status = $2`;
    }
    const [{ total }] = await this.db.query<{ total: number }>(
      `SELECT count(*) AS total FROM ${this.tables.webhookDeliveries} WHERE ${where}`,
      params,
    );
    const rows = await this.db.query<WebhookDeliveryRow>(
      `SELECT delivery_id, event_id, type, batch_id, url, status, attempts, last_status_code, last_error, next_attempt_at, created_at, delivered_at
         FROM ${this.tables.webhookDeliveries} WHERE ${where}
        ORDER BY delivery_id DESC LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, query.page_size, (query.page - 1) * query.page_size],
    );
    return { rows, total };
  }

  /** The tries of the given deliveries, oldest first, by delivery id (one query for a page). */
  async triesOf(deliveryIds: (number | string)[]): Promise<Map<number, WebhookAttemptRow[]>> {
    const byDelivery = new Map<number, WebhookAttemptRow[]>();
    if (deliveryIds.length === 0) return byDelivery;
    const rows = await this.db.query<WebhookAttemptRow & { delivery_id: string }>(
      `SELECT delivery_id, attempt, started_at, duration_ms, status_code, error FROM ${this.tables.webhookDeliveryAttempts}
        WHERE delivery_id = ANY($1::bigint[]) ORDER BY delivery_id, attempt`,
      [deliveryIds.map(String)],
    );
    for (const { delivery_id, ...attempt } of rows) {
      const id = Number(delivery_id);
      const list = byDelivery.get(id);
      if (list) list.push(attempt);
      else byDelivery.set(id, [attempt]);
    }
    return byDelivery;
  }

  /**
   * Deletes up to `limit` deliveries that finished (delivered or failed) before `cutoff`, with
   * their tries (ON DELETE CASCADE). Pending deliveries are never pruned, however old.
   *
   * @returns the number of deliveries deleted (less than `limit`: nothing more to prune now)
   */
  async pruneFinished(cutoff: Date, limit: number): Promise<number> {
    const rows = await this.db.query<{ delivery_id: string }>(
      `DELETE FROM ${this.tables.webhookDeliveries}
        WHERE delivery_id IN (
          SELECT delivery_id FROM ${this.tables.webhookDeliveries}
           WHERE finished_at < $1 AND status <> 'pending'
           LIMIT $2
           FOR UPDATE SKIP LOCKED
        )
      RETURNING delivery_id`,
      [cutoff, limit],
    );
    return rows.length;
  }

  /** The org's deliveries still pending and those given up (system status). */
  async countOpenForOrg(orgId: string): Promise<{ pending: number; failed: number }> {
    const [row] = await this.db.query<{ pending: number; failed: number }>(
      `SELECT count(*) FILTER (WHERE status = 'pending') AS pending, count(*) FILTER (WHERE status = 'failed') AS failed
         FROM ${this.tables.webhookDeliveries} WHERE org_id = $1 AND status <> 'delivered'`,
      [orgId],
    );
    return row;
  }
}
