import { Injectable } from '@nestjs/common';
import { CallStartedEvent } from '@outdial/contracts';
import { Clock, Database } from '@outdial/service-runtime';

import { ProgressNotifier } from '../../adapters/progress-notifier';
import { AttemptReadModelRepository } from '../../persistence/attempt-read-model.repository';
import { BatchReadModelRepository } from '../../persistence/batch-read-model.repository';
import { ContactReadModelRepository } from '../../persistence/contact-read-model.repository';
import { ProcessedEventsRepository } from '../../persistence/processed-events.repository';

/**
 * The dialer asked the provider to dial (`v1.call.started`). Only fills what is still unknown: if
 * the attempt already finished (its finish arrived first), the finish stays as it is. A new
 * attempt row counts in the batch's attempt_count (the calls list total).
 */
@Injectable()
export class RecordCallStartedUseCase {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly batches: BatchReadModelRepository,
    private readonly attempts: AttemptReadModelRepository,
    private readonly contacts: ContactReadModelRepository,
    private readonly processedEvents: ProcessedEventsRepository,
    private readonly progress: ProgressNotifier,
  ) {}

  async execute(event: CallStartedEvent): Promise<void> {
    const now = this.clock.now();
    const applied = await this.db.tx(async (client) => {
      if (!(await this.processedEvents.claimBatchEvent(client, event, now))) return false;
      if (await this.attempts.recordStart(client, event)) await this.batches.countAttempt(client, event.batch_id);
      // The contact's last dial time, whichever of this, the finish or the scheduler's update comes first.
      await this.contacts.ensurePlaceholder(client, event);
      await this.contacts.recordDialTime(client, event.contact_id, event.started_at);
      return true;
    });
    if (applied) this.progress.touch(event.batch_id);
  }
}
