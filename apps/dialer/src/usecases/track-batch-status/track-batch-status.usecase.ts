import { Injectable } from '@nestjs/common';
import { BatchStatusChangedEvent } from '@outdial/contracts';
import { Database } from '@outdial/service-runtime';

import { BatchStatesRepository } from '../../persistence/batch-states.repository';

/**
 * Keeps the latest status of a batch (`v1.batch.status_changed`, owned by the scheduler) that
 * admission checks: a request of a batch not running is declined (SPEC §3). The latest `at` wins
 * and a deleted batch stays deleted, so out-of-order and replayed events are harmless.
 */
@Injectable()
export class TrackBatchStatusUseCase {
  constructor(
    private readonly db: Database,
    private readonly batches: BatchStatesRepository,
  ) {}

  /** Returns whether the status was recorded (false: a later one, or the deletion, is known). */
  execute(event: BatchStatusChangedEvent): Promise<boolean> {
    return this.db.tx((client) =>
      this.batches.record(client, {
        batch_id: event.batch_id,
        org_id: event.org_id,
        status: event.status,
        at: new Date(event.at),
      }),
    );
  }
}
