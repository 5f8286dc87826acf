import { Injectable } from '@nestjs/common';
import { CallFinishedEvent } from '@outdial/contracts';
import { Clock, Database } from '@outdial/service-runtime';

import { ProgressNotifier } from '../../adapters/progress-notifier';
import { attemptCost, CostRates } from '../../domain/cost';
import { AttemptReadModelRepository } from '../../persistence/attempt-read-model.repository';
import { BatchReadModelRepository } from '../../persistence/batch-read-model.repository';
import { ContactReadModelRepository } from '../../persistence/contact-read-model.repository';
import { ProcessedEventsRepository } from '../../persistence/processed-events.repository';
import { ReportingEnv } from '../../reporting-env';

/**
 * An attempt ended (`v1.call.finished`). The first finish of an attempt wins (over its start,
 * whatever the order, and over any later finish): only that one prices the call (SPEC §8: actual
 * cost as calls finish) and adds its duration and cost to the batch, so the batch sums equal the
 * sums over `attempts`. The contact shows its latest attempt's call (an older attempt finishing
 * late does not overwrite it).
 */
@Injectable()
export class RecordCallFinishedUseCase {
  private readonly rates: CostRates;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    env: ReportingEnv,
    private readonly batches: BatchReadModelRepository,
    private readonly attempts: AttemptReadModelRepository,
    private readonly contacts: ContactReadModelRepository,
    private readonly processedEvents: ProcessedEventsRepository,
    private readonly progress: ProgressNotifier,
  ) {
    this.rates = new CostRates(env.COST_PER_MINUTE, env.COST_PER_MINUTE_BY_PROVIDER);
  }

  async execute(event: CallFinishedEvent): Promise<void> {
    const now = this.clock.now();
    // A voice-agent platform's own cost of the call, when its webhook said, wins over the per-minute estimate.
    const cost = event.cost ?? attemptCost(event.duration_seconds, this.rates.rateFor(event.provider));
    const applied = await this.db.tx(async (client) => {
      if (!(await this.processedEvents.claimBatchEvent(client, event, now))) return false;
      const ended = await this.attempts.recordFinish(client, event, cost);
      if (!ended) return false; // this attempt was already finished by another event
      await this.batches.addFinishedCall(
        client,
        event.batch_id,
        { durationSeconds: event.duration_seconds, cost, newAttempt: ended.inserted },
        now,
      );
      await this.contacts.ensurePlaceholder(client, event);
      await this.contacts.recordCall(client, event, ended.startedAt);
      return true;
    });
    if (applied) this.progress.touch(event.batch_id);
  }
}
