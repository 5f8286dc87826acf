import { Injectable } from '@nestjs/common';
import { Database, DeletedBatchGate } from '@outdial/service-runtime';

import { BatchesRepository } from '../persistence/batches.repository';

/** Drops chunks of batches the scheduler holds a tombstone for, unparsed (see DeletedBatchGate). */
@Injectable()
export class SchedulerDeletedBatchGate extends DeletedBatchGate {
  constructor(
    private readonly db: Database,
    private readonly batches: BatchesRepository,
  ) {
    super();
  }

  protected isDeleted(batchId: string): Promise<boolean> {
    return this.batches.isDeleted(this.db.pool, batchId);
  }
}
