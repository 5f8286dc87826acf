import type { SqlClient } from '@outdial/service-runtime';
import { lockBatchOrRetryLater } from './batch-lock';
import { ReportingTables } from './reporting-tables';

/**
 * Records the event as applied, inside the caller's transaction. False when it already was: the
 * caller skips it. A concurrent delivery of the same event waits on the key and then sees it.
 */
export async function markEventProcessed(client: SqlClient, tables: ReportingTables, eventId: string, now: Date): Promise<boolean> {
  const result = await client.query(`INSERT INTO ${tables.processedEvents} (event_id, processed_at) VALUES ($1, $2) ON CONFLICT (event_id) DO NOTHING`, [
    eventId,
    now,
  ]);
  return result.rowCount === 1;
}

/**
 * The prologue of every batch event: lock the event's batch (retried later when it is not known
 * yet; false when it was deleted), then record the event (false when it was already applied).
 */
export async function claimBatchEvent(client: SqlClient, tables: ReportingTables, event: { batch_id: string; event_id: string }, now: Date): Promise<boolean> {
  if (!(await lockBatchOrRetryLater(client, tables, event.batch_id))) return false;
  return markEventProcessed(client, tables, event.event_id, now);
}
