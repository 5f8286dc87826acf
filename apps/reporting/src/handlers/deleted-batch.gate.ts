import { Injectable } from '@nestjs/common';
import { Database, DeletedBatchGate } from '@outdial/service-runtime';

import { BatchReadModelRepository } from '../persistence/batch-read-model.repository';

/** Drops chunks of batches reporting holds a tombstone for, unparsed (see DeletedBatchGate). */
@Injectable()
export class ReportingDeletedBatchGate extends DeletedBatchGate {
  constructor(
    private readonly db: Database,
    private readonly batches: BatchReadModelRepository,
  ) {
    super();
  }

  protected isDeleted(batchId: string): Promise<boolean> {
    return this.batches.isDeleted(this.db.pool, batchId);
  }
}
