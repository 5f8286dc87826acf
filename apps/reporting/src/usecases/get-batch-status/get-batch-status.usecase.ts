import { Injectable } from '@nestjs/common';
import { BatchQuery, BatchStatusView } from '@outdial/contracts';
import { Clock, Database, ServiceError } from '@outdial/service-runtime';
import { loadBatchStatusView } from '../../persistence/batch-status';
import { ReportingTables, reportingTables } from '../../persistence/reporting-tables';

/**
 * SPEC §8 batch status, at constant cost whatever the batch size. Another org's batch answers
 * exactly like a missing one, so ids of other tenants cannot be probed.
 */
@Injectable()
export class GetBatchStatusUseCase {
  private readonly tables: ReportingTables;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {
    this.tables = reportingTables(db);
  }

  async execute(query: BatchQuery): Promise<BatchStatusView> {
    const view = await loadBatchStatusView(this.db.pool, this.tables, query.batch_id, query.org_id, this.clock.now());
    if (!view) throw new ServiceError('not_found', 'batch not found');
    return view;
  }
}
