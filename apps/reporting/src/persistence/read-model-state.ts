import { SqlClient } from '@outdial/service-runtime';
import { ReportingTables } from './reporting-tables';

/** What read-your-writes waits on: one batch's applied status change and how many contacts arrived. */
export interface ReadModelState {
  /** The `at` of the last status change applied; null before any. */
  status_at: Date | null;
  /** Contacts the batch announced (batch_ingested). */
  total_calls: number;
  /** Contacts received so far (sum of the per-status counts). */
  contacts: number;
}

/**
 * The batch's read-model state for the org, or undefined when the batch is not there (not known
 * yet, deleted, or another org's). One primary-key probe plus the batch's few status-count rows;
 * no lock, so it can be polled.
 */
export async function loadReadModelState(client: SqlClient, tables: ReportingTables, orgId: string, batchId: string): Promise<ReadModelState | undefined> {
  const result = await client.query<ReadModelState>(
    `SELECT b.status_at, b.total_calls,
            (SELECT coalesce(sum(c.count), 0)::int FROM ${tables.statusCounts} c WHERE c.batch_id = b.batch_id) AS contacts
       FROM ${tables.batches} b
      WHERE b.batch_id = $1 AND b.org_id = $2`,
    [batchId, orgId],
  );
  return result.rows[0];
}
