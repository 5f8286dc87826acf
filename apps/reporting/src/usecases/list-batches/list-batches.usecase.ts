import { Injectable } from '@nestjs/common';
import { BatchListItem, ListBatchesQuery, ListPage } from '@outdial/contracts';
import { Clock } from '@outdial/service-runtime';

import { toBatchStatusView } from '../../domain/batch-status-view';
import { BatchReadModelRepository } from '../../persistence/batch-read-model.repository';

/** `GET /api/batch-calls`: the org's batches, newest first, each with its SPEC §8 numbers (no error list), filtered by status and a name/id search. */
@Injectable()
export class ListBatchesUseCase {
  constructor(
    private readonly batches: BatchReadModelRepository,
    private readonly clock: Clock,
  ) {}

  async execute(query: ListBatchesQuery): Promise<ListPage<BatchListItem>> {
    const { rows, total } = await this.batches.listPage(query);
    const now = this.clock.now();
    const items = rows.map((row) => {
      const { errors: _errors, ...item } = toBatchStatusView(row, [], now);
      return item;
    });
    return { items, total, page: query.page, page_size: query.page_size };
  }
}
