import { Injectable } from '@nestjs/common';
import { SuppressionListPage, SuppressionListQuery } from '@outdial/contracts';

import { SuppressionRepository } from '../../persistence/suppression.repository';

/** One page of the org's do-not-call list, newest first; `search` keeps numbers containing its digits. */
@Injectable()
export class ListSuppressionUseCase {
  constructor(private readonly suppression: SuppressionRepository) {}

  async execute(query: SuppressionListQuery): Promise<SuppressionListPage> {
    const digits = (query.search ?? '').replace(/[^\d]/g, '');
    const { items, total } = await this.suppression.page(
      query.org_id,
      digits,
      query.page_size,
      (query.page - 1) * query.page_size,
    );
    return {
      items: items.map((r) => ({ phone: r.phone, reason: r.reason, created_at: r.created_at.toISOString() })),
      total,
      page: query.page,
      page_size: query.page_size,
    };
  }
}
