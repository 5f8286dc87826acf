import { Injectable } from '@nestjs/common';
import { OrgQuery, ReportingSystemCounts } from '@outdial/contracts';

import { BatchReadModelRepository } from '../../persistence/batch-read-model.repository';
import { WebhookDeliveriesRepository } from '../../persistence/webhook-deliveries.repository';

/** Reporting's part of `GET /api/system/status`, for the asking org: batches by status, calls under way, webhook deliveries open. */
@Injectable()
export class GetSystemCountsUseCase {
  constructor(
    private readonly batches: BatchReadModelRepository,
    private readonly deliveries: WebhookDeliveriesRepository,
  ) {}

  async execute(query: OrgQuery): Promise<ReportingSystemCounts> {
    const [byStatus, webhooks] = await Promise.all([
      this.batches.countByStatus(query.org_id),
      this.deliveries.countOpenForOrg(query.org_id),
    ]);
    const batches_by_status = Object.fromEntries(byStatus.map((r) => [r.status, r.batches]));
    return {
      active_batches: byStatus
        .filter((r) => r.status === 'running' || r.status === 'paused')
        .reduce((n, r) => n + r.batches, 0),
      active_calls: byStatus.reduce((n, r) => n + r.calls, 0),
      batches_by_status,
      webhook_deliveries_pending: webhooks.pending,
      webhook_deliveries_failed: webhooks.failed,
    };
  }
}
