import { Injectable } from '@nestjs/common';
import { BatchReport, PdfReport, ReportQuery } from '@outdial/contracts';
import { Clock, Database, ServiceError } from '@outdial/service-runtime';
import { buildBatchReport } from '../../domain/batch-report';
import { CostRates } from '../../domain/cost';
import { loadBatchRow, loadBatchStatusView } from '../../persistence/batch-status';
import { ReportingTables, reportingTables } from '../../persistence/reporting-tables';
import { ReportingEnv } from '../../reporting-env';
import { renderReportPdf } from '../../report/report-pdf';

/** `report.json` and `report.pdf` (SPEC §8). */
@Injectable()
export class GetReportUseCase {
  private readonly tables: ReportingTables;
  private readonly rates: CostRates;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly env: ReportingEnv,
  ) {
    this.tables = reportingTables(db);
    this.rates = new CostRates(env.COST_PER_MINUTE, env.COST_PER_MINUTE_BY_PROVIDER);
  }

  async execute(query: ReportQuery): Promise<BatchReport | PdfReport> {
    const report = await this.build(query);
    if (query.format === 'json') return report;
    const pdf = await renderReportPdf(report);
    return { filename: `${query.batch_id}-report.pdf`, content_base64: pdf.toString('base64') };
  }

  private async build(query: ReportQuery): Promise<BatchReport> {
    const now = this.clock.now();
    const [batch, view] = await Promise.all([
      loadBatchRow(this.db.pool, this.tables, query.batch_id, query.org_id),
      loadBatchStatusView(this.db.pool, this.tables, query.batch_id, query.org_id, now),
    ]);
    if (!batch || !view) throw new ServiceError('not_found', 'batch not found');
    const [statusCounts, outcomes] = await Promise.all([
      this.db.query<{ status: string; count: number }>(`SELECT status, count FROM ${this.tables.statusCounts} WHERE batch_id = $1 AND count <> 0`, [query.batch_id]),
      this.db.query<{ outcome: string; count: number; talk: number; connected: number }>(
        `SELECT outcome, count(*) AS count, coalesce(sum(duration_seconds), 0) AS talk, count(*) FILTER (WHERE duration_seconds > 0) AS connected
           FROM ${this.tables.attempts} WHERE batch_id = $1 AND status = 'ended' GROUP BY outcome`,
        [query.batch_id],
      ),
    ]);
    return buildBatchReport({
      view,
      estimatedCost: batch.estimated_cost,
      contactsByStatus: Object.fromEntries(statusCounts.map((r) => [r.status, r.count])),
      callsByOutcome: Object.fromEntries(outcomes.map((r) => [r.outcome, r.count])),
      callsMade: batch.attempt_count,
      callsConnected: outcomes.reduce((sum, r) => sum + r.connected, 0),
      totalTalkSeconds: outcomes.reduce((sum, r) => sum + r.talk, 0),
      ratePerMinute: this.rates.rateFor(batch.provider),
      currency: this.env.COST_CURRENCY,
      now,
    });
  }
}
