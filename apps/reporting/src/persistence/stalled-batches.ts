import { SqlClient } from '@outdial/service-runtime';
import { ReportingTables } from './reporting-tables';

/**
 * Counts running batches that have contacts still waiting (`pending` or `queued`) and started no
 * call in the last `idleSeconds` (nor since they started running). Read-only, no locks; one index
 * probe per running batch (`attempts_batch_idx`), so it stays cheap with many finished batches.
 * Note: a batch whose waiting contacts are all outside their calling hours is counted too; the
 * alert built on it says so.
 */
export async function countStalledBatches(client: SqlClient, tables: ReportingTables, idleSeconds: number): Promise<number> {
  const result = await client.query<{ n: number }>(
    `SELECT count(*)::int AS n
       FROM ${tables.batches} b
      WHERE b.status = 'running'
        AND coalesce(b.status_at, now()) < now() - make_interval(secs => $1)
        AND EXISTS (SELECT 1 FROM ${tables.statusCounts} c WHERE c.batch_id = b.batch_id AND c.status IN ('pending', 'queued') AND c.count > 0)
        AND NOT EXISTS (SELECT 1 FROM ${tables.attempts} a WHERE a.batch_id = b.batch_id AND a.started_at >= now() - make_interval(secs => $1))`,
    [idleSeconds],
  );
  return result.rows[0].n;
}
