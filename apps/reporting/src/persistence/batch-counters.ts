import type { SqlClient } from '@outdial/service-runtime';
import { CounterDelta, isZeroDelta } from '../domain/contact-counters';
import { ReportingTables } from './reporting-tables';

/** Applies a counter change to a batch the caller holds the lock of. */
export async function applyCounterDelta(client: SqlClient, tables: ReportingTables, batchId: string, delta: CounterDelta, now: Date): Promise<void> {
  if (isZeroDelta(delta)) return;
  await client.query(
    `UPDATE ${tables.batches}
        SET final_count = final_count + $2,
            completed_count = completed_count + $3,
            failed_count = failed_count + $4,
            in_progress_count = in_progress_count + $5,
            dialed_final_count = dialed_final_count + $6,
            updated_at = $7
      WHERE batch_id = $1`,
    [batchId, delta.final, delta.completed, delta.failed, delta.inProgress, delta.dialedFinal, now],
  );
}
