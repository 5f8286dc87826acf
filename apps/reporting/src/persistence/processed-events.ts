import type { SqlClient } from '@outdial/service-runtime';
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
