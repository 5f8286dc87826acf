import type { BatchStatusView } from '@outdial/contracts';
import type { SqlClient } from '@outdial/service-runtime';
import { BatchReadModel, FailedContact } from '../domain/batch-read-model';
import { STATUS_ERRORS_LIMIT, toBatchStatusView } from '../domain/batch-status-view';
import { ReportingTables } from './reporting-tables';

/**
 * The SPEC §8 status of one batch, or null when it does not exist (or, with `orgId`, belongs to
 * another org). Constant cost whatever the batch size: counters come from the batch row, errors
 * from the partial index of failed contacts.
 */
export async function loadBatchStatusView(client: SqlClient, tables: ReportingTables, batchId: string, orgId: string | null, now: Date): Promise<BatchStatusView | null> {
  const batch = await loadBatchRow(client, tables, batchId, orgId);
  if (!batch) return null;
  const failed = await client.query<FailedContact>(
    `SELECT row, phone, status, final, attempts, failure_reason, last_outcome
       FROM ${tables.contacts}
      WHERE batch_id = $1 AND final AND status <> 'completed' AND row IS NOT NULL
      ORDER BY row
      LIMIT $2`,
    [batchId, STATUS_ERRORS_LIMIT],
  );
  return toBatchStatusView(batch, failed.rows, now);
}

export async function loadBatchRow(client: SqlClient, tables: ReportingTables, batchId: string, orgId: string | null): Promise<(BatchReadModel & { callback_url: string | null; provider: string | null; attempt_count: number }) | null> {
  const result =
    orgId === null
      ? await client.query(`SELECT * FROM ${tables.batches} WHERE batch_id = $1`, [batchId])
      : await client.query(`SELECT * FROM ${tables.batches} WHERE batch_id = $1 AND org_id = $2`, [batchId, orgId]);
  return (result.rows[0] as (BatchReadModel & { callback_url: string | null; provider: string | null; attempt_count: number }) | undefined) ?? null;
}
