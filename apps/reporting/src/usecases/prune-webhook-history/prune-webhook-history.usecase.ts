import { Injectable } from '@nestjs/common';
import { Clock } from '@outdial/service-runtime';

import { historyCutoff } from '../../domain/webhook-attempts';
import { WebhookDeliveriesRepository } from '../../persistence/webhook-deliveries.repository';
import { PruneWebhookHistoryCommand } from './prune-webhook-history.command';

/** Rows deleted per statement: short transactions, no long lock on the table. */
const PRUNE_SLICE = 5_000;

/**
 * Deletes the webhook deliveries that finished (delivered or failed) more than `retentionDays`
 * ago, with their tries (ON DELETE CASCADE; issue 12 §5). Pending deliveries are never pruned,
 * however old. Replicas may run it at once: each slice skips rows another one holds.
 *
 * @returns the number of deliveries deleted
 */
@Injectable()
export class PruneWebhookHistoryUseCase {
  constructor(
    private readonly clock: Clock,
    private readonly deliveries: WebhookDeliveriesRepository,
  ) {}

  async execute(command: PruneWebhookHistoryCommand): Promise<number> {
    const cutoff = historyCutoff(this.clock.now(), command.retentionDays);
    let deleted = 0;
    for (;;) {
      const slice = await this.deliveries.pruneFinished(cutoff, PRUNE_SLICE);
      deleted += slice;
      if (slice < PRUNE_SLICE) return deleted;
    }
  }
}
