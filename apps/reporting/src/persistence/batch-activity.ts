import { BatchActivityItem, ListPage } from '@outdial/contracts';
import { SqlClient } from '@outdial/service-runtime';
import { ReportingTables } from './reporting-tables';

/** One entry of a batch's activity log. */
export interface ActivityEntry {
  batchId: string;
  orgId: string;
  at: Date;
  kind: string;
  actor?: string | null;
  message: string;
  data?: Record<string, unknown>;
}

/** Appends an entry, in the caller's transaction (which holds the batch row lock). */
export async function appendActivity(client: SqlClient, tables: ReportingTables, entry: ActivityEntry): Promise<void> {
  await client.query(`INSERT INTO ${tables.batchActivity} (batch_id, org_id, at, kind, actor, message, data) VALUES ($1, $2, $3, $4, $5, $6, $7)`, [
    entry.batchId,
    entry.orgId,
    entry.at,
    entry.kind,
    entry.actor ?? null,
    entry.message,
    JSON.stringify(entry.data ?? {}),
  ]);
}

/**
 * Counts one retry scheduled in the minute of `at`: one row per batch and minute
 * (`retries_scheduled`, data `{count, by_outcome}`), so a million retries stay a few rows. The
 * row's `at` is the minute's first retry (not the minute's start), so the log stays in order.
 */
export async function countRetryScheduled(client: SqlClient, tables: ReportingTables, batchId: string, orgId: string, at: Date, outcome: string): Promise<void> {
  await client.query(
    `INSERT INTO ${tables.batchActivity} AS a (batch_id, org_id, at, kind, message, data, minute)
     VALUES ($1, $2, $3::timestamptz, 'retries_scheduled', '', jsonb_build_object('count', 1, 'by_outcome', jsonb_build_object($4::text, 1)), date_trunc('minute', $3::timestamptz))
     ON CONFLICT (batch_id, minute) WHERE kind = 'retries_scheduled' DO UPDATE SET data = jsonb_build_object(
       'count', (a.data->>'count')::int + 1,
       'by_outcome', a.data->'by_outcome' || jsonb_build_object($4::text, coalesce((a.data->'by_outcome'->>$4)::int, 0) + 1))`,
    [batchId, orgId, at, outcome],
  );
}

/** A page of the batch's activity, oldest first (page 1 = the beginning). */
export async function loadActivityPage(client: SqlClient, tables: ReportingTables, batchId: string, page: number, pageSize: number): Promise<ListPage<BatchActivityItem>> {
  const [rows, total] = await Promise.all([
    client.query<{ at: Date; kind: string; actor: string | null; message: string; data: Record<string, unknown> }>(
      `SELECT at, kind, actor, message, data FROM ${tables.batchActivity} WHERE batch_id = $1 ORDER BY at, id LIMIT $2 OFFSET $3`,
      [batchId, pageSize, (page - 1) * pageSize],
    ),
    client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${tables.batchActivity} WHERE batch_id = $1`, [batchId]),
  ]);
  return {
    items: rows.rows.map((r) => ({
      at: r.at.toISOString(),
      kind: r.kind,
      actor: r.actor,
      message: r.kind === 'retries_scheduled' ? retriesMessage(r.data) : r.message,
      data: r.data,
    })),
    total: total.rows[0].n,
    page,
    page_size: pageSize,
  };
}

function retriesMessage(data: Record<string, unknown>): string {
  const byOutcome = Object.entries((data.by_outcome ?? {}) as Record<string, number>)
    .map(([outcome, n]) => `${outcome}: ${n}`)
    .join(', ');
  const count = Number(data.count ?? 0);
  return `${count} ${count === 1 ? 'retry' : 'retries'} scheduled (${byOutcome})`;
}

/** Removes the batch's log (delete removes the batch's data everywhere, SPEC §4). */
export async function deleteActivity(client: SqlClient, tables: ReportingTables, batchId: string): Promise<void> {
  await client.query(`DELETE FROM ${tables.batchActivity} WHERE batch_id = $1`, [batchId]);
}
