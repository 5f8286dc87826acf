import { Inject, Injectable } from '@nestjs/common';
import { Logger, SERVICE_LOGGER } from '@outdial/service-runtime';

import { HandOverSpools } from '../../adapters/spool/hand-over-spools';
import { BatchesRepository } from '../../persistence/batches.repository';
import { HandOverBatchUseCase } from '../hand-over-batch/hand-over-batch.usecase';

/**
 * Recovery at start-up: batches committed but not handed over (the process died in between) are
 * handed over now, from the database (their spools died with the process); spool files that
 * earlier processes left behind are removed. Returns how many batches were handed over.
 */
@Injectable()
export class ResumeHandOversUseCase {
  constructor(
    private readonly batches: BatchesRepository,
    private readonly handOver: HandOverBatchUseCase,
    private readonly spools: HandOverSpools,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {}

  async execute(): Promise<number> {
    // Independent of the resume below: a failure here is only a warning.
    void this.spools
      .removeStale()
      .catch((error) => this.logger.warn({ err: error }, 'removing stale hand-over spools failed'));
    const pending = await this.batches.listNotHandedOver();
    for (const batch_id of pending) {
      this.logger.warn({ batch_id }, 'handing over a batch left behind by an earlier run');
      await this.handOver.execute({ batch_id });
    }
    return pending.length;
  }
}
