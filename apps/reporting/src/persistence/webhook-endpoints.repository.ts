import { Injectable } from '@nestjs/common';
import type { CreateWebhookCommand } from '@outdial/contracts';
import { Database, SqlClient } from '@outdial/service-runtime';

import { WebhookEndpointRecord } from '../domain/webhook-endpoints';
import { ReportingTables, reportingTables } from './reporting-tables';

/** An org webhook endpoint as listed (the secret is shown only once, at creation). */
export type WebhookEndpointRow = WebhookEndpointRecord;

/**
 * Org webhook endpoints (`webhook_endpoints`, SPEC §9 `/api/webhooks`), soft-deleted (`deleted_at`)
 * so that their delivery log stays readable. Schema from `Database`.
 *
 * Transactions and locks:
 * - `lockOrg` takes a transaction-scoped advisory lock (`pg_advisory_xact_lock(hashtext('webhooks:<org>'))`)
 *   that serializes creates of one org, so a per-org limit checked with `countActive` holds under
 *   concurrent requests; `lockOrg`, `countActive` and `insert` run in the caller's transaction, in that order.
 * - `softDelete` and `targetsFor` run in the caller's transaction (the delete with its deliveries'
 *   give-up; the targets with the deliveries they fan out to). No row locks beyond the update's.
 * - `listActive` and `exists` read through the pool without locks.
 */
@Injectable()
export class WebhookEndpointsRepository {
  private readonly tables: ReportingTables;

  constructor(private readonly db: Database) {
    this.tables = reportingTables(db);
  }

  /** Serializes endpoint creates of the org until the caller's transaction ends. */
  async lockOrg(client: SqlClient, orgId: string): Promise<void> {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`webhooks:${orgId}`]);
  }

  /** Endpoints of the org not deleted. */
  async countActive(client: SqlClient, orgId: string): Promise<number> {
    const existing = await client.query<{ n: number }>(
      `SELECT count(*) AS n FROM ${this.tables.webhookEndpoints} WHERE org_id = $1 AND deleted_at IS NULL`,
      [orgId],
    );
    return existing.rows[0].n;
  }

  /** Inserts an endpoint (event types deduplicated). */
  async insert(
    client: SqlClient,
    endpoint: { webhookId: string; secret: string; createdAt: Date },
    command: CreateWebhookCommand,
  ): Promise<WebhookEndpointRow> {
    const inserted = await client.query<WebhookEndpointRow>(
      `INSERT INTO ${this.tables.webhookEndpoints} (webhook_id, org_id, url, secret, events, description, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       RETURNING webhook_id, url, events, description, created_at`,
      [
        endpoint.webhookId,
        command.org_id,
        command.url,
        endpoint.secret,
        [...new Set(command.events ?? [])],
        command.description ?? null,
        endpoint.createdAt,
      ],
    );
    return inserted.rows[0];
  }

  /** The org's endpoints not deleted, oldest first. */
  async listActive(orgId: string): Promise<WebhookEndpointRow[]> {
    return this.db.query<WebhookEndpointRow>(
      `SELECT webhook_id, url, events, description, created_at FROM ${this.tables.webhookEndpoints}
        WHERE org_id = $1 AND deleted_at IS NULL ORDER BY created_at, webhook_id`,
      [orgId],
    );
  }

  /** Whether the endpoint exists for the org (deleted ones too: their log stays readable). */
  async exists(webhookId: string, orgId: string): Promise<boolean> {
    const rows = await this.db.query(
      `SELECT 1 FROM ${this.tables.webhookEndpoints} WHERE webhook_id = $1 AND org_id = $2`,
      [webhookId, orgId],
    );
    return rows.length > 0;
  }

  /** Marks the org's endpoint deleted. False when there is no such endpoint (or it was already deleted). */
  async softDelete(client: SqlClient, webhookId: string, orgId: string, now: Date): Promise<boolean> {
    const deleted = await client.query(
      `UPDATE ${this.tables.webhookEndpoints} SET deleted_at = $3 WHERE webhook_id = $1 AND org_id = $2 AND deleted_at IS NULL`,
      [webhookId, orgId, now],
    );
    return (deleted.rowCount ?? 0) > 0;
  }

  /** The org's live endpoints with the event types each subscribed to (empty: every type). */
  async targetsFor(client: SqlClient, orgId: string): Promise<{ webhook_id: string; url: string; events: string[] }[]> {
    const endpoints = await client.query<{ webhook_id: string; url: string; events: string[] }>(
      `SELECT webhook_id, url, events FROM ${this.tables.webhookEndpoints} WHERE org_id = $1 AND deleted_at IS NULL`,
      [orgId],
    );
    return endpoints.rows;
  }
}
