import { SqlClient, TransientError } from '@outdial/service-runtime';
import { ReportingTables } from './reporting-tables';

/**
 * Locks the batch row for the rest of the transaction. Every write to a batch's contacts, attempts
 * or counters takes this lock first, so "read the contact, apply the counter delta" never races
 * another writer of the same batch (and lock order is always batch, then contacts: no deadlocks).
 * Returns false when the batch was deleted: the caller drops the event (a late event must not
 * bring a deleted batch back). A batch not known yet (its BatchIngestedEvent travels on another
 * stream) means "come back later".
 */
export async function lockBatchOrRetryLater(client: SqlClient, tables: ReportingTables, batchId: string): Promise<boolean> {
  const result = await client.query(`SELECT 1 FROM ${tables.batches} WHERE batch_id = $1 FOR UPDATE`, [batchId]);
  if (result.rowCount !== 0) return true;
  if (await isDeletedBatch(client, tables, batchId)) return false;
  throw new TransientError(`batch ${batchId} not known yet`);
}

export async function isDeletedBatch(client: SqlClient, tables: ReportingTables, batchId: string): Promise<boolean> {
  const deleted = await client.query(`SELECT 1 FROM ${tables.deletedBatches} WHERE batch_id = $1`, [batchId]);
  return deleted.rowCount !== 0;
}
