import { Injectable } from '@nestjs/common';
import { AwaitReadModelQuery, AwaitReadModelResult } from '@outdial/contracts';

import { readModelShows } from '../../domain/read-model-wait';
import { BatchReadModelRepository } from '../../persistence/batch-read-model.repository';

/** How often the read model is looked at while a write waits. */
const POLL_MS = 10;

/**
 * Read-your-writes: answers once the read model shows the write the gateway just acknowledged
 * (a status change, a delete, every contact of a new batch), or `applied: false` after
 * `timeout_ms`. Polls one batch row every 10 ms: the events it waits for are applied by this
 * service's consumers, typically within milliseconds. Real time, not the service clock: the wait
 * is for event delivery.
 */
@Injectable()
export class AwaitReadModelUseCase {
  constructor(private readonly batches: BatchReadModelRepository) {}

  async execute(query: AwaitReadModelQuery): Promise<AwaitReadModelResult> {
    const started = Date.now();
    const condition = {
      statusAt: query.status_at ? new Date(query.status_at) : undefined,
      deleted: query.deleted,
      allContacts: query.all_contacts,
      exists: query.exists,
    };
    for (;;) {
      const state = await this.batches.readModelState(query.org_id, query.batch_id);
      const waited = Date.now() - started;
      if (readModelShows(state, condition)) return { applied: true, waited_ms: waited };
      if (waited >= query.timeout_ms) return { applied: false, waited_ms: waited };
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
}
