import { Injectable } from '@nestjs/common';
import { BatchActivityItem, ListPage } from '@outdial/contracts';
import { Database, SqlClient } from '@outdial/service-runtime';

import { retriesScheduledMessage } from '../domain/batch-activity';
import { ReportingTables, reportingTables } from './reporting-tables';

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

/**
 * A batch's activity log (`batch_activity`): who or what changed the batch, auto-pauses and why,
 * retries per minute. Schema from `Database`.
 *
 * Transactions and locks: `append` and `countRetryScheduled` run inside the caller's transaction,
 * which holds the batch row lock (`BatchReadModelRepository.lockOrRetryLater`), so entries of one batch
 * are written in order; `countRetryScheduled` upserts one row per (batch, minute) (unique partial
 * index). `page` reads through the pool without locks. The log is deleted with the batch
 * (`BatchReadModelRepository.deleteEverything`).
 */
@Injectable()
export class BatchActivityRepository {
  private readonly tables: ReportingTables;

  constructor(private readonly db: Database) {
    this.tables = reportingTables(db);
  }

  /** Appends an entry, in the caller's transaction (which holds the batch row lock). */
  async append(client: SqlClient, entry: ActivityEntry): Promise<void> {
    await client.query(
      `INSERT INTO ${this.tables.batchActivity} (batch_id, org_id, at, kind, actor, message, data) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        entry.batchId,
        entry.orgId,
        entry.at,
        entry.kind,
        entry.actor ?? null,
        entry.message,
        JSON.stringify(entry.data ?? {}),
      ],
    );
  }

  /**
   * Counts one retry scheduled in the minute of `at`: one row per batch and minute
   * (`retries_scheduled`, data `{count, by_outcome}`), so a million retries stay a few rows. The
   * row's `at` is the minute's first retry (not the minute's start), so the log stays in order.
   */
  async countRetryScheduled(
    client: SqlClient,
    batchId: string,
    orgId: string,
    at: Date,
    outcome: string,
  ): Promise<void> {
    await client.query(
      `INSERT INTO ${this.tables.batchActivity} AS a (batch_id, org_id, at, kind, message, data, minute)
       VALUES ($1, $2, $3::timestamptz, 'retries_scheduled', '', jsonb_build_object('count', 1, 'by_outcome', jsonb_build_object($4::text, 1)), date_trunc('minute', $3::timestamptz))
       ON CONFLICT (batch_id, minute) WHERE kind = 'retries_scheduled' DO UPDATE SET data = jsonb_build_object(
         'count', (a.data->>'count')::int + 1,
         'by_outcome', a.data->'by_outcome' || jsonb_build_object($4::text, coalesce((a.data->'by_outcome'->>$4)::int, 0) + 1))`,
      [batchId, orgId, at, outcome],
    );
  }

  /** A page of the batch's activity, oldest first (page 1 = the beginning). */
  async page(batchId: string, page: number, pageSize: number): Promise<ListPage<BatchActivityItem>> {
    const [rows, total] = await Promise.all([
      this.db.pool.query<{
        at: Date;
        kind: string;
        actor: string | null;
        message: string;
        data: Record<string, unknown>;
      }>(
        `SELECT at, kind, actor, message, data FROM ${this.tables.batchActivity} WHERE batch_id = $1 ORDER BY at, id LIMIT $2 OFFSET $3`,
        [batchId, pageSize, (page - 1) * pageSize],
      ),
      this.db.pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM ${this.tables.batchActivity} WHERE batch_id = $1`,
        [batchId],
      ),
    ]);
    return {
      items: rows.rows.map((r) => ({
        at: r.at.toISOString(),
        kind: r.kind,
        actor: r.actor,
        message: r.kind === 'retries_scheduled' ? retriesScheduledMessage(r.data) : r.message,
        data: r.data,
      })),
      total: total.rows[0].n,
      page,
      page_size: pageSize,
    };
  }
}
