import { Injectable } from '@nestjs/common';
import { CallItem, CallsPageQuery, ListPage } from '@outdial/contracts';
import { ServiceError } from '@outdial/service-runtime';

import { AttemptReadModelRepository } from '../../persistence/attempt-read-model.repository';
import { BatchReadModelRepository } from '../../persistence/batch-read-model.repository';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/**
 * SPEC §9 `/calls`: the batch's attempts in the order they were dialed. The unfiltered total is the
 * batch's attempt_count (kept as attempts are recorded), so page 1 of a million calls stays cheap;
 * a filtered total is counted (in parallel with the page).
 *
 * @throws ServiceError `not_found` for a missing batch or another org's
 */
@Injectable()
export class GetCallsPageUseCase {
  constructor(
    private readonly batches: BatchReadModelRepository,
    private readonly attempts: AttemptReadModelRepository,
  ) {}

  async execute(query: CallsPageQuery): Promise<ListPage<CallItem>> {
    const batch = await this.batches.findColumns(query.batch_id, query.org_id, ['attempt_count']);
    if (!batch) throw new ServiceError('not_found', 'batch not found');
    const [rows, total] = await Promise.all([
      this.attempts.page(query),
      AttemptReadModelRepository.isFiltered(query)
        ? this.attempts.countMatching(query)
        : Promise.resolve(batch.attempt_count),
    ]);
    return {
      items: rows.map((a) => ({
        call_id: a.attempt_id,
        contact_id: a.contact_id,
        phone: a.phone,
        attempt: a.attempt,
        outcome: a.outcome,
        status: a.status,
        started_at: iso(a.started_at),
        answered_at: iso(a.answered_at),
        ended_at: iso(a.ended_at),
        duration_seconds: a.duration_seconds,
        cost: a.cost,
        provider: a.provider,
        provider_call_id: a.provider_call_id,
        failure_reason: a.failure_reason,
        recording_url: a.recording_url,
      })),
      total,
      page: query.page,
      page_size: query.page_size,
    };
  }
}
