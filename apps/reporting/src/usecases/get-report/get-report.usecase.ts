import { Injectable } from '@nestjs/common';
import { BatchReport, ReportQuery, ReportReply } from '@outdial/contracts';
import { Clock, ServiceError } from '@outdial/service-runtime';

import { renderReportPdf } from '../../adapters/report-pdf';
import { buildBatchReport } from '../../domain/batch-report';
import { CostRates } from '../../domain/cost';
import { AttemptReadModelRepository } from '../../persistence/attempt-read-model.repository';
import { BatchReadModelRepository } from '../../persistence/batch-read-model.repository';
import { ReportingEnv } from '../../reporting-env';

/**
 * `report.json` and `report.pdf` (SPEC §8): the batch's status, contacts by status, calls by
 * outcome, talk time and cost (COST_PER_MINUTE[_BY_PROVIDER], COST_CURRENCY). Counters and counts
 * come from the batch row and per-status counts; only the per-outcome totals group the attempts.
 *
 * @throws ServiceError `not_found` for a missing batch or another org's
 */
@Injectable()
export class GetReportUseCase {
  private readonly rates: CostRates;

  constructor(
    private readonly batches: BatchReadModelRepository,
    private readonly attempts: AttemptReadModelRepository,
    private readonly clock: Clock,
    private readonly env: ReportingEnv,
  ) {
    this.rates = new CostRates(env.COST_PER_MINUTE, env.COST_PER_MINUTE_BY_PROVIDER);
  }

  async execute(query: ReportQuery): Promise<ReportReply> {
    const report = await this.build(query);
    if (query.format === 'json') return report;
    const pdf = await renderReportPdf(report);
    return { filename: `${query.batch_id}-report.pdf`, content_base64: pdf.toString('base64') };
  }

  private async build(query: ReportQuery): Promise<BatchReport> {
    const now = this.clock.now();
    const [batch, view] = await Promise.all([
      this.batches.find(query.batch_id, query.org_id),
      this.batches.statusView(query.batch_id, query.org_id, now),
    ]);
    if (!batch || !view) throw new ServiceError('not_found', 'batch not found');
    const [statusCounts, outcomes] = await Promise.all([
      this.batches.statusCounts(query.batch_id),
      this.attempts.outcomeTotals(query.batch_id),
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
