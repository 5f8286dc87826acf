import { Database, quoteIdent } from '@outdial/service-runtime';

/** Qualified table names in the service's own schema. */
export interface ReportingTables {
  batches: string;
  contacts: string;
  attempts: string;
  processedEvents: string;
  statusCounts: string;
  deletedBatches: string;
  webhookEndpoints: string;
  webhookDeliveries: string;
  webhookDeliveryAttempts: string;
  callbackSecrets: string;
  batchActivity: string;
  progressSlots: string;
}

export function reportingTables(db: Database): ReportingTables {
  const schema = quoteIdent(db.schema);
  return {
    batches: `${schema}.batches`,
    contacts: `${schema}.contacts`,
    attempts: `${schema}.attempts`,
    processedEvents: `${schema}.processed_events`,
    statusCounts: `${schema}.contact_status_counts`,
    deletedBatches: `${schema}.deleted_batches`,
    webhookEndpoints: `${schema}.webhook_endpoints`,
    webhookDeliveries: `${schema}.webhook_deliveries`,
    webhookDeliveryAttempts: `${schema}.webhook_delivery_attempts`,
    callbackSecrets: `${schema}.callback_secrets`,
    batchActivity: `${schema}.batch_activity`,
    progressSlots: `${schema}.progress_slots`,
  };
}
