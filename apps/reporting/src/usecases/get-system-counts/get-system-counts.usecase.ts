import { Injectable } from '@nestjs/common';
import { OrgQuery, ReportingSystemCounts } from '@outdial/contracts';
import { Database } from '@outdial/service-runtime';
import { ReportingTables, reportingTables } from '../../persistence/reporting-tables';

/** Reporting's part of `GET /api/system/status`, for the asking org. */
@Injectable()
export class GetSystemCountsUseCase {
  private readonly tables: ReportingTables;

  constructor(private readonly db: Database) {
    this.tables = reportingTables(db);
  }

  async execute(query: OrgQuery): Promise<ReportingSystemCounts> {
    const [byStatus, [webhooks]] = await Promise.all([
      this.db.query<{ status: string; batches: number; calls: number }>(
        `SELECT status, count(*) AS batches, coalesce(sum(in_progress_count), 0) AS calls FROM ${this.tables.batches} WHERE org_id = $1 GROUP BY status`,
        [query.org_id],
      ),
      this.db.query<{ pending: number; failed: number }>(
        `SELECT count(*) FILTER (WHERE status = 'pending') AS pending, count(*) FILTER (WHERE status = 'failed') AS failed
           FROM ${this.tables.webhookDeliveries} WHERE org_id = $1 AND status <> 'delivered'`,
        [query.org_id],
      ),
    ]);
    const batches_by_status = Object.fromEntries(byStatus.map((r) => [r.status, r.batches]));
    return {
      active_batches: byStatus.filter((r) => r.status === 'running' || r.status === 'paused').reduce((n, r) => n + r.batches, 0),
      active_calls: byStatus.reduce((n, r) => n + r.calls, 0),
      batches_by_status,
      webhook_deliveries_pending: webhooks.pending,
      webhook_deliveries_failed: webhooks.failed,
    };
  }
}
