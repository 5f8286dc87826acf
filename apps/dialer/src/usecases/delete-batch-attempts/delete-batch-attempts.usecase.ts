import { Inject, Injectable } from '@nestjs/common';
import { BatchDeletedEvent } from '@outdial/contracts';
import { Database, Logger, SERVICE_LOGGER } from '@outdial/service-runtime';

import { AttemptsRepository } from '../../persistence/attempts.repository';
import { BatchStatesRepository } from '../../persistence/batch-states.repository';

/**
 * A deleted batch's data leaves the dialer. Ended attempts go at once; a call still in progress
 * (a paused batch's calls finish) keeps its attempt, and with it its org slot, until it ends, and
 * the reaper's purge removes it then. Requests of the batch still queued are declined from now on.
 */
@Injectable()
export class DeleteBatchAttemptsUseCase {
  private readonly log: Logger;

  constructor(
    private readonly db: Database,
    private readonly attempts: AttemptsRepository,
    private readonly batches: BatchStatesRepository,
    @Inject(SERVICE_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ component: 'delete-batch' });
  }

  async execute(event: BatchDeletedEvent): Promise<{ deleted: number; open: number }> {
    const result = await this.db.tx(async (client) => {
      await this.batches.record(client, {
        batch_id: event.batch_id,
        org_id: event.org_id,
        status: 'deleted',
        at: new Date(event.at),
      });
      await this.batches.markDeleted(client, event.batch_id, new Date(event.at));
      return this.attempts.deleteEndedOfBatch(client, event.batch_id);
    });
    this.log.info({ batch_id: event.batch_id, ...result }, 'batch deleted: attempts removed');
    return result;
  }
}
