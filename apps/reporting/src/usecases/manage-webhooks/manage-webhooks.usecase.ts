import { Injectable } from '@nestjs/common';
import {
  CreatedWebhookEndpoint,
  CreateWebhookCommand,
  ListPage,
  OrgQuery,
  WebhookDeliveriesQuery,
  WebhookDeliveryView,
  WebhookEndpointView,
  WebhookQuery,
} from '@outdial/contracts';
import { Clock, Database, ServiceError } from '@outdial/service-runtime';
import { randomBytes } from 'node:crypto';
import { attemptView, WebhookAttemptRow } from '../../domain/webhook-attempts';
import { ReportingTables, reportingTables } from '../../persistence/reporting-tables';
import { newWebhookSecret } from '../../webhooks/webhook-secret';

/** Endpoints an org may register (each event is sent to every one of them). */
export const MAX_WEBHOOK_ENDPOINTS_PER_ORG = 20;

interface EndpointRow {
  webhook_id: string;
  url: string;
  events: string[];
  description: string | null;
  created_at: Date;
}

const toView = (row: EndpointRow): WebhookEndpointView => ({
  webhook_id: row.webhook_id,
  url: row.url,
  events: row.events,
  description: row.description,
  created_at: row.created_at.toISOString(),
});


/**
 * Org webhook endpoints (SPEC §9 `/api/webhooks`) and their delivery log: each delivery with every
 * try (time, HTTP status or network error, duration; issue 12 §5), newest delivery first, paged.
 */
@Injectable()
export class ManageWebhooksUseCase {
  private readonly tables: ReportingTables;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {
    this.tables = reportingTables(db);
  }

  async create(command: CreateWebhookCommand): Promise<CreatedWebhookEndpoint> {
    return this.db.tx(async (client) => {
      // Serializes creates of one org, so the limit holds under concurrent requests.
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`webhooks:${command.org_id}`]);
      const existing = await client.query<{ n: number }>(`SELECT count(*) AS n FROM ${this.tables.webhookEndpoints} WHERE org_id = $1 AND deleted_at IS NULL`, [command.org_id]);
      if (existing.rows[0].n >= MAX_WEBHOOK_ENDPOINTS_PER_ORG) {
        throw new ServiceError('unprocessable', `an org can have at most ${MAX_WEBHOOK_ENDPOINTS_PER_ORG} webhook endpoints`, { limit: MAX_WEBHOOK_ENDPOINTS_PER_ORG });
      }
      const secret = newWebhookSecret();
      const inserted = await client.query<EndpointRow>(
        `INSERT INTO ${this.tables.webhookEndpoints} (webhook_id, org_id, url, secret, events, description, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         RETURNING webhook_id, url, events, description, created_at`,
        [`wh_${randomBytes(12).toString('hex')}`, command.org_id, command.url, secret, [...new Set(command.events ?? [])], command.description ?? null, this.clock.now()],
      );
      return { ...toView(inserted.rows[0]), secret };
    });
  }

  async list(query: OrgQuery): Promise<ListPage<WebhookEndpointView>> {
    const rows = await this.db.query<EndpointRow>(
      `SELECT webhook_id, url, events, description, created_at FROM ${this.tables.webhookEndpoints}
        WHERE org_id = $1 AND deleted_at IS NULL ORDER BY created_at, webhook_id`,
      [query.org_id],
    );
    return { items: rows.map(toView), total: rows.length, page: 1, page_size: MAX_WEBHOOK_ENDPOINTS_PER_ORG };
  }

  /** Deletes the endpoint: nothing more is sent to it (pending deliveries are given up). */
  async delete(query: WebhookQuery): Promise<{ webhook_id: string; deleted: true }> {
    const now = this.clock.now();
    return this.db.tx(async (client) => {
      const deleted = await client.query(
        `UPDATE ${this.tables.webhookEndpoints} SET deleted_at = $3 WHERE webhook_id = $1 AND org_id = $2 AND deleted_at IS NULL`,
        [query.webhook_id, query.org_id, now],
      );
      if (deleted.rowCount === 0) throw new ServiceError('not_found', 'webhook endpoint not found');
      await client.query(
        `UPDATE ${this.tables.webhookDeliveries} SET status = 'failed', last_error = 'endpoint deleted', finished_at = $2 WHERE webhook_id = $1 AND status = 'pending'`,
        [query.webhook_id, now],
      );
      return { webhook_id: query.webhook_id, deleted: true as const };
    });
  }

  async deliveries(query: WebhookDeliveriesQuery): Promise<ListPage<WebhookDeliveryView>> {
    const [endpoint] = await this.db.query(`SELECT 1 FROM ${this.tables.webhookEndpoints} WHERE webhook_id = $1 AND org_id = $2`, [query.webhook_id, query.org_id]);
    if (!endpoint) throw new ServiceError('not_found', 'webhook endpoint not found');
    const params: unknown[] = [query.webhook_id];
    let where = 'webhook_id = $1';
    if (query.status) {
      params.push(query.status);
      where += ` AND status = $2`;
    }
    const [{ total }] = await this.db.query<{ total: number }>(`SELECT count(*) AS total FROM ${this.tables.webhookDeliveries} WHERE ${where}`, params);
    const rows = await this.db.query<{
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
    }>(
      `SELECT delivery_id, event_id, type, batch_id, url, status, attempts, last_status_code, last_error, next_attempt_at, created_at, delivered_at
         FROM ${this.tables.webhookDeliveries} WHERE ${where}
        ORDER BY delivery_id DESC LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, query.page_size, (query.page - 1) * query.page_size],
    );
    const tries = await this.attemptsOf(rows.map((r) => r.delivery_id));
    return {
      items: rows.map((r) => ({
        delivery_id: String(r.delivery_id),
        event_id: r.event_id,
        type: r.type,
        batch_id: r.batch_id,
        url: r.url,
        status: r.status,
        attempts: r.attempts,
        last_status_code: r.last_status_code,
        last_error: r.last_error,
        next_attempt_at: r.status === 'pending' ? r.next_attempt_at.toISOString() : null,
        created_at: r.created_at.toISOString(),
        delivered_at: r.delivered_at?.toISOString() ?? null,
        attempt_history: (tries.get(Number(r.delivery_id)) ?? []).map((attempt, i, all) => attemptView(attempt, i === all.length - 1, r.status)),
      })),
      total,
      page: query.page,
      page_size: query.page_size,
    };
  }

  /** The tries of the given deliveries, oldest first, by delivery id (one query for a page). */
  private async attemptsOf(deliveryIds: (number | string)[]): Promise<Map<number, WebhookAttemptRow[]>> {
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

  /** The secret batch `callback_url` deliveries are signed with; made on first ask (or first use). */
  async callbackSecret(query: OrgQuery): Promise<{ secret: string }> {
    return { secret: await ensureCallbackSecret(this.db, this.tables, query.org_id, this.clock.now()) };
  }
}

export async function ensureCallbackSecret(db: Database, tables: ReportingTables, orgId: string, now: Date): Promise<string> {
  await db.query(`INSERT INTO ${tables.callbackSecrets} (org_id, secret, created_at) VALUES ($1, $2, $3) ON CONFLICT (org_id) DO NOTHING`, [orgId, newWebhookSecret(), now]);
  const [row] = await db.query<{ secret: string }>(`SELECT secret FROM ${tables.callbackSecrets} WHERE org_id = $1`, [orgId]);
  return row.secret;
}
