import type { WebhookEventType } from '@outdial/contracts';
import type { SqlClient } from '@outdial/service-runtime';
import { ReportingTables } from '../persistence/reporting-tables';
import { newWebhookSecret } from './webhook-secret';
import { endpointWants, webhookBody, webhookEventId, webhookEventKey } from './webhook-events';

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

/**
 * Writes one delivery per target (the batch's callback_url and each org endpoint that wants the
 * type) in the caller's transaction: the event is recorded exactly when the change that caused
 * it is, and a repeated cause adds nothing (unique per event and target). The dispatcher sends them.
 */
export async function enqueueWebhookEvent(client: SqlClient, tables: ReportingTables, event: WebhookEventToSend, now: Date): Promise<number> {
  const endpoints = await client.query<{ webhook_id: string; url: string; events: string[] }>(
    `SELECT webhook_id, url, events FROM ${tables.webhookEndpoints} WHERE org_id = $1 AND deleted_at IS NULL`,
    [event.orgId],
  );
  const targets: { webhookId: string | null; url: string }[] = endpoints.rows
    .filter((endpoint) => endpointWants(endpoint.events, event.type))
    .map((endpoint) => ({ webhookId: endpoint.webhook_id, url: endpoint.url }));
  if (event.callbackUrl) targets.push({ webhookId: null, url: event.callbackUrl });
  if (targets.length === 0) return 0;
  if (event.callbackUrl) {
    // callback_url deliveries are signed with the org's callback secret: make sure it exists.
    await client.query(`INSERT INTO ${tables.callbackSecrets} (org_id, secret, created_at) VALUES ($1, $2, $3) ON CONFLICT (org_id) DO NOTHING`, [
      event.orgId,
      newWebhookSecret(),
      now,
    ]);
  }
  const id = webhookEventId(webhookEventKey(event.type, event.batchId, event.causeId));
  const body = webhookBody({ id, type: event.type, created_at: event.createdAt.toISOString(), batch_id: event.batchId, data: event.data });
  const inserted = await client.query(
    `INSERT INTO ${tables.webhookDeliveries} (event_id, org_id, batch_id, webhook_id, url, type, body, next_attempt_at, created_at)
     SELECT $1, $2, $3, t.webhook_id, t.url, $4, $5, $6, $6 FROM unnest($7::text[], $8::text[]) AS t(webhook_id, url)
     ON CONFLICT DO NOTHING`,
    [id, event.orgId, event.batchId, event.type, body, now, targets.map((t) => t.webhookId), targets.map((t) => t.url)],
  );
  return inserted.rowCount ?? 0;
}
