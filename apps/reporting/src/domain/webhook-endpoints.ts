import type { WebhookEndpointView } from '@outdial/contracts';

/** Endpoints an org may register (each event is sent to every one of them). */
export const MAX_WEBHOOK_ENDPOINTS_PER_ORG = 20;

/** A stored webhook endpoint, as the API shows it (never with its secret). */
export interface WebhookEndpointRecord {
  webhook_id: string;
  url: string;
  events: string[];
  description: string | null;
  created_at: Date;
}

/** The API view of an endpoint (SPEC §9 `/api/webhooks`): times as ISO 8601 strings. */
export function toWebhookEndpointView(row: WebhookEndpointRecord): WebhookEndpointView {
  return {
    webhook_id: row.webhook_id,
    url: row.url,
    events: row.events,
    description: row.description,
    created_at: row.created_at.toISOString(),
  };
}
