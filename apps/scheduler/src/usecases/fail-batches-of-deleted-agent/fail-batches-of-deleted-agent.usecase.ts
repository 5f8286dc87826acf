import { Inject, Injectable } from '@nestjs/common';
import { AgentChangedEvent, BatchStatus } from '@outdial/contracts';
import { Clock, Database, Logger, Outbox, OutboxEvent, SERVICE_LOGGER } from '@outdial/service-runtime';

import { batchStatusChanged } from '../../domain/scheduler-events';
import { BatchesRepository } from '../../persistence/batches.repository';

/** Batch statuses an agent's deletion ends: everything not final yet. */
const UNFINISHED: readonly BatchStatus[] = ['pending', 'scheduled', 'running', 'paused'];

/**
 * SPEC §4 `failed`: a batch whose agent was deleted (`v1.org.agent_changed` with `deleted`) can
 * never call again, so it ends `failed` (reason "agent <id> was deleted") instead of pausing and
 * waiting forever. Each batch is changed under its row lock, in batch-id order (the lock order of
 * every other writer); a repeated or late deletion event finds nothing unfinished and changes
 * nothing. Calls in progress finish as usual. Other agent changes are ignored.
 */
@Injectable()
export class FailBatchesOfDeletedAgentUseCase {
  constructor(
    private readonly db: Database,
    private readonly batches: BatchesRepository,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {}

  async execute(event: AgentChangedEvent): Promise<void> {
    if (!event.deleted) return;
    const failed = await this.db.tx(async (client) => {
      const batches = await this.batches.lockUnfinishedOfAgent(client, event.org_id, event.agent_id, UNFINISHED);
      const now = this.clock.now();
      const events: OutboxEvent[] = [];
      for (const batch of batches) {
        await this.batches.markFailed(client, batch.batch_id, now);
        events.push(
          batchStatusChanged(
            batch,
            'failed',
            batch.status,
            now,
            `agent ${event.agent_id} was deleted`,
            undefined,
            'agent deleted',
          ),
        );
        const completed = await this.batches.completeIfDone(client, batch.batch_id, now);
        if (completed) events.push(batchStatusChanged(completed, 'completed', completed.status, now));
      }
      await this.outbox.enqueue(client, events);
      return batches.map((b) => b.batch_id);
    });
    if (failed.length > 0) {
      this.outbox.kick();
      this.logger.warn(
        { org_id: event.org_id, agent_id: event.agent_id, batches: failed },
        'agent deleted: its unfinished batches failed',
      );
    }
  }
}
