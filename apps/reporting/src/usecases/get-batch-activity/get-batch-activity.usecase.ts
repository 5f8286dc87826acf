import { Injectable } from '@nestjs/common';
import { BatchActivityItem, BatchActivityQuery, ListPage } from '@outdial/contracts';
import { ServiceError } from '@outdial/service-runtime';

import { BatchActivityRepository } from '../../persistence/batch-activity.repository';
import { BatchReadModelRepository } from '../../persistence/batch-read-model.repository';

/**
 * A page of a batch's activity log (created, started, paused by whom or why, resumed, retries
 * scheduled per minute, auto-paused with the numbers that tripped it, completed, failed), oldest
 * first.
 *
 * @throws ServiceError `not_found` for a missing batch, and for another org's (ids of other tenants cannot be probed)
 */
@Injectable()
export class GetBatchActivityUseCase {
  constructor(
    private readonly batches: BatchReadModelRepository,
    private readonly activity: BatchActivityRepository,
  ) {}

  async execute(query: BatchActivityQuery): Promise<ListPage<BatchActivityItem>> {
    if (!(await this.batches.findColumns(query.batch_id, query.org_id, [])))
      throw new ServiceError('not_found', 'batch not found');
    return this.activity.page(query.batch_id, query.page, query.page_size);
  }
}
