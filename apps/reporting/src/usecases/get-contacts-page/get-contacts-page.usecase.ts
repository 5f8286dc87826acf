import { Injectable } from '@nestjs/common';
import { ContactItem, ContactsPageQuery, ListPage } from '@outdial/contracts';
import { ServiceError } from '@outdial/service-runtime';

import { BatchReadModelRepository } from '../../persistence/batch-read-model.repository';
import { ContactReadModelRepository } from '../../persistence/contact-read-model.repository';
import { contactsFilter } from '../../persistence/contacts-filter';

/**
 * SPEC §8 contacts list, in upload order. Fast on a million contacts: each filter has its index,
 * and the total of an unfiltered or status-filtered list is a sum over the per-status counts
 * rather than a count of the rows (other filters count what matches; page and total run in
 * parallel). Right after a large create, contacts still on their way to the read model count as
 * `pending` in that total (their rows appear on the pages moments later).
 *
 * @throws ServiceError `not_found` for a missing batch or another org's
 */
@Injectable()
export class GetContactsPageUseCase {
  constructor(
    private readonly batches: BatchReadModelRepository,
    private readonly contacts: ContactReadModelRepository,
  ) {}

  async execute(query: ContactsPageQuery): Promise<ListPage<ContactItem>> {
    const batch = await this.batches.findColumns(query.batch_id, query.org_id, ['max_attempts']);
    if (!batch) throw new ServiceError('not_found', 'batch not found');
    const filter = contactsFilter(query);
    const [rows, total] = await Promise.all([
      this.contacts.page(filter, query.page_size, (query.page - 1) * query.page_size),
      filter.statusOnly
        ? this.batches.countContactsByStatus(
            query.batch_id,
            query.status && query.status.length > 0 ? query.status : null,
          )
        : this.contacts.countMatching(filter),
    ]);
    return {
      items: rows.map((c) => ({
        contact_id: c.contact_id,
        row: c.row,
        phone: c.phone,
        name: c.name,
        variables: c.variables ?? {},
        status: c.status,
        last_outcome: c.last_outcome,
        attempts: c.attempts,
        max_attempts: batch.max_attempts,
        last_attempt_at: c.last_attempt_at?.toISOString() ?? null,
        next_retry_at: c.next_retry_at?.toISOString() ?? null,
        duration_seconds: c.duration_seconds,
        failure_reason: c.failure_reason,
        call_id: c.call_id,
        recording_url: c.recording_url,
        transcript: c.transcript,
      })),
      total,
      page: query.page,
      page_size: query.page_size,
    };
  }
}
