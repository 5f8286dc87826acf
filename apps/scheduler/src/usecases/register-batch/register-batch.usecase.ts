import { Injectable } from '@nestjs/common';
import { BatchIngestedEvent } from '@outdial/contracts';
import { Clock } from '@outdial/service-runtime';

import { BatchesRepository } from '../../persistence/batches.repository';

/**
 * Ingest stored a batch (`v1.ingest.batch_ingested`): the scheduler takes it over (its contacts arrive in
 * chunks). Idempotent; a redelivered event of a batch deleted since does not bring it back.
 */
@Injectable()
export class RegisterBatchUseCase {
  constructor(
    private readonly batches: BatchesRepository,
    private readonly clock: Clock,
  ) {}

  async execute(event: BatchIngestedEvent): Promise<void> {
    await this.batches.register(event, this.clock.now());
  }
}
