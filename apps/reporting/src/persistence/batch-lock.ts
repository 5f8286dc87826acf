import { SqlClient, TransientError } from '@outdial/service-runtime';
import { ReportingTables } from './reporting-tables';

/**
 * Locks the batch row for the rest of the transaction. Every write to a batch's contacts or
 * counters takes this lock first, so "read the contact, apply the counter delta" never races
 * another writer of the same batch (and lock order is always batch, then contacts: no deadlocks).
 * A batch not known yet (its BatchIngestedEvent travels on another stream) means "come back later".
 */
export async function lockBatchOrRetryLater(client: SqlClient, tables: ReportingTables, batchId: string): Promise<void> {
  const result = await client.query(`SELECT 1 FROM ${tables.batches} WHERE batch_id = $1 FOR UPDATE`, [batchId]);
  if (result.rowCount === 0) throw new TransientError(`batch ${batchId} not known yet`);
}
