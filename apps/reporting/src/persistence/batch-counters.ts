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

/** Applies a per-status count change to a batch the caller holds the lock of. */
export async function applyStatusCountDelta(client: SqlClient, tables: ReportingTables, batchId: string, delta: Map<string, number>): Promise<void> {
  if (delta.size === 0) return;
  await client.query(
    `INSERT INTO ${tables.statusCounts} AS s (batch_id, status, count)
     SELECT $1, u.status, u.n FROM unnest($2::text[], $3::int[]) AS u(status, n)
     ON CONFLICT (batch_id, status) DO UPDATE SET count = s.count + EXCLUDED.count`,
    [batchId, [...delta.keys()], [...delta.values()]],
  );
}
