import { Inject, Injectable } from '@nestjs/common';
import { Clock, Database, Logger, Outbox, OutboxEvent, SERVICE_LOGGER } from '@outdial/service-runtime';

import { batchStatusChanged, contactUpdated } from '../../domain/scheduler-events';
import { BatchesRepository } from '../../persistence/batches.repository';
import { ContactsRepository } from '../../persistence/contacts.repository';
import { HousekeepBatchesCommand } from './housekeep-batches.command';

/**
 * The lifecycle steps no event triggers, for every batch with one due (SPEC §4): scheduled ->
 * running at its start time (a batch created running is stamped started); past its `end_time`,
 * its waiting contacts end `expired`; a cancelled batch's waiting contacts end `cancelled`
 * (drained in chunks of `finalize_chunk`); and a batch whose contacts are all final completes.
 * Each batch in its own transaction under its row lock. Returns how many batches changed.
 */
@Injectable()
export class HousekeepBatchesUseCase {
  constructor(
    private readonly db: Database,
    private readonly batches: BatchesRepository,
    private readonly contacts: ContactsRepository,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {}

  async execute(command: HousekeepBatchesCommand): Promise<number> {
    const due = await this.batches.dueForHousekeeping(this.clock.now());
    let changed = 0;
    for (const { batch_id } of due) if (await this.housekeep(batch_id, command.finalize_chunk)) changed++;
    if (changed > 0) this.logger.debug({ pass: command.pass, changed }, 'batches housekept');
    return changed;
  }

  private async housekeep(batchId: string, finalizeChunk: number): Promise<boolean> {
    const changed = await this.db.tx(async (client) => {
      const batch = await this.batches.lock(client, batchId);
      if (!batch || batch.completed_at) return false;
      const now = this.clock.now();
      const events: OutboxEvent[] = [];
      if (batch.status === 'scheduled' && (!batch.scheduled_start_time || batch.scheduled_start_time <= now)) {
        await this.batches.start(client, batchId, now);
        events.push(batchStatusChanged(batch, 'running', 'scheduled', now));
      } else if (batch.status === 'running' && !batch.started_at) {
        await this.batches.stampStarted(client, batchId, now);
        events.push(batchStatusChanged(batch, 'running', undefined, now));
      }
      let ended = 0;
      if (batch.status === 'cancelled') {
        const finalized = await this.contacts.finalizeWaiting(client, batchId, 'cancelled', 'batch cancelled', now, {
          limit: finalizeChunk,
        });
        for (const contact of finalized) events.push(contactUpdated(contact, now));
        ended = finalized.length;
      } else if (batch.end_time && batch.end_time <= now) {
        const finalized = await this.contacts.finalizeWaiting(
          client,
          batchId,
          'expired',
          'batch end_time passed',
          now,
          { limit: finalizeChunk },
        );
        for (const contact of finalized) events.push(contactUpdated(contact, now));
        ended = finalized.length;
      }
      if (ended > 0) await this.batches.addFinal(client, batchId, ended, now);
      if (batch.status !== 'scheduled' || events.length > 0) {
        const completed = await this.batches.completeIfDone(client, batchId, now);
        if (completed) events.push(batchStatusChanged(completed, 'completed', completed.status, now));
      }
      await this.outbox.enqueue(client, events);
      return events.length > 0;
    });
    if (changed) this.outbox.kick();
    return changed;
  }
}
