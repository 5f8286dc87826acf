import { Injectable } from '@nestjs/common';
import { BatchQuery, BatchStatusView } from '@outdial/contracts';
import { Clock, ServiceError } from '@outdial/service-runtime';

import { BatchReadModelRepository } from '../../persistence/batch-read-model.repository';

/**
 * SPEC §8 batch status, at constant cost whatever the batch size.
 *
 * @throws ServiceError `not_found` for a missing batch, and for another org's (answers exactly alike, so ids of other tenants cannot be probed)
 */
@Injectable()
export class GetBatchStatusUseCase {
  constructor(
    private readonly batches: BatchReadModelRepository,
    private readonly clock: Clock,
  ) {}

  async execute(query: BatchQuery): Promise<BatchStatusView> {
    const view = await this.batches.statusView(query.batch_id, query.org_id, this.clock.now());
    if (!view) throw new ServiceError('not_found', 'batch not found');
    return view;
  }
}
