import { Injectable } from '@nestjs/common';
import { BatchQuery, BatchStatusView } from '@outdial/contracts';
import { Clock, Database, ServiceError } from '@outdial/service-runtime';
import { BatchReadModel, FailedContact } from '../../domain/batch-read-model';
import { STATUS_ERRORS_LIMIT, toBatchStatusView } from '../../domain/batch-status-view';
import { ReportingTables, reportingTables } from '../../persistence/reporting-tables';

/**
 * SPEC §8 batch status. Constant cost whatever the batch size: counters come from the batch row,
 * errors from the partial index of failed contacts. Another org's batch answers exactly like a
 * missing one, so ids of other tenants cannot be probed.
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
    const [batch] = await this.db.query<BatchReadModel>(`SELECT * FROM ${this.tables.batches} WHERE batch_id = $1 AND org_id = $2`, [query.batch_id, query.org_id]);
    if (!batch) throw new ServiceError('not_found', 'batch not found');
    const failed = await this.db.query<FailedContact>(
      `SELECT row, phone, status, final, attempts, failure_reason, last_outcome
         FROM ${this.tables.contacts}
        WHERE batch_id = $1 AND final AND status <> 'completed' AND row IS NOT NULL
        ORDER BY row
        LIMIT $2`,
      [query.batch_id, STATUS_ERRORS_LIMIT],
    );
    return toBatchStatusView(batch, failed, this.clock.now());
  }
}
