import { Inject, Injectable } from '@nestjs/common';
import { AgentChangedEvent, BatchStatus } from '@outdial/contracts';
import { Clock, Database, Logger, Outbox, OutboxEvent, SERVICE_LOGGER } from '@outdial/service-runtime';
import { batchStatusChanged } from '../../domain/scheduler-events';
import { completeIfDone } from '../../persistence/batch-row';

/** Batch statuses an agent's deletion ends: everything not final yet. */
const UNFINISHED: readonly BatchStatus[] = ['pending', 'scheduled', 'running', 'paused'];

/**
 * SPEC §4 `failed`: a batch whose agent was deleted can never call again, so it ends `failed`
 * (reason "agent <id> was deleted") instead of pausing and waiting forever. Each batch is changed
 * under its row lock, in batch-id order (the lock order of every other writer); a repeated or late
 * deletion event finds nothing unfinished and changes nothing. Calls in progress finish as usual.
 */
@Injectable()
export class FailBatchesOfDeletedAgentUseCase {
  constructor(
    private readonly db: Database,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {}

  async execute(event: AgentChangedEvent): Promise<void> {
    if (!event.deleted) return;
    const failed = await this.db.tx(async (client) => {
      const batches = await client.query<{ batch_id: string; org_id: string; status: BatchStatus }>(
        `SELECT batch_id, org_id, status FROM scheduler.batches
          WHERE org_id = $1 AND agent_id = $2 AND status = ANY($3) ORDER BY batch_id FOR UPDATE`,
        [event.org_id, event.agent_id, UNFINISHED],
      );
      const now = this.clock.now();
      const events: OutboxEvent[] = [];
      for (const batch of batches.rows) {
        await client.query(`UPDATE scheduler.batches SET status = 'failed', previous_status = status, updated_at = $2 WHERE batch_id = $1`, [batch.batch_id, now]);
        events.push(batchStatusChanged(batch, 'failed', batch.status, now, `agent ${event.agent_id} was deleted`, undefined, 'agent deleted'));
        await completeIfDone(client, batch.batch_id, now, events);
      }
      await this.outbox.enqueue(client, events);
      return batches.rows.map((b) => b.batch_id);
    });
    if (failed.length > 0) {
      this.outbox.kick();
      this.logger.warn({ org_id: event.org_id, agent_id: event.agent_id, batches: failed }, 'agent deleted: its unfinished batches failed');
    }
  }
}
