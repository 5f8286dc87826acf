import { Inject, Injectable } from '@nestjs/common';
import { BatchActionCommand, BatchActionResult } from '@outdial/contracts';
import { Clock, Database, Logger, Outbox, OutboxEvent, SERVICE_LOGGER, ServiceError } from '@outdial/service-runtime';

import { decideAction } from '../../domain/batch-lifecycle';
import { parseFutureStartTime } from '../../domain/schedule-time';
import { batchDeleted, batchStatusChanged } from '../../domain/scheduler-events';
import { BatchesRepository } from '../../persistence/batches.repository';
import { ContactsRepository } from '../../persistence/contacts.repository';

/**
 * A user's lifecycle action (SPEC §4), applied under the batch row lock so it cannot interleave
 * with a release pass or a call result. Pause stops new releases (calls in progress finish, and the
 * dialer declines what was released but not yet dialed); cancel ends every waiting contact
 * `cancelled` (drained by the release pass in chunks); delete removes the batch here and tells every
 * other service to remove theirs. Throws `ServiceError` `not_found` (unknown batch, or another
 * org's), `invalid_transition` (SPEC §4 action matrix, domain/batch-lifecycle.ts) or
 * `validation_failed` (a reschedule time that is not in the future).
 */
@Injectable()
export class ApplyBatchActionUseCase {
  constructor(
    private readonly db: Database,
    private readonly batches: BatchesRepository,
    private readonly contacts: ContactsRepository,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {}

  async execute(command: BatchActionCommand): Promise<BatchActionResult> {
    const result = await this.db.tx(async (client) => {
      const batch = await this.batches.lock(client, command.batch_id);
      // Another org's batch is indistinguishable from a missing one.
      if (!batch || batch.org_id !== command.org_id)
        throw new ServiceError('not_found', `batch ${command.batch_id} not found`);
      const decision = decideAction(batch.status, command.action);
      if (!decision.allowed)
        throw new ServiceError('invalid_transition', decision.reason, { status: batch.status, action: command.action });
      const now = this.clock.now();
      const events: OutboxEvent[] = [];
      const base: BatchActionResult = {
        batch_id: batch.batch_id,
        status: decision.next,
        previous_status: batch.status,
      };

      switch (command.action) {
        case 'pause':
        case 'resume':
        case 'cancel': {
          const next = decision.next as 'paused' | 'running' | 'cancelled';
          await this.batches.setStatus(client, batch.batch_id, next, batch.status, now);
          events.push(batchStatusChanged(batch, next, batch.status, now, undefined, undefined, command.actor));
          if (next === 'cancelled') {
            const completed = await this.batches.completeIfDone(client, batch.batch_id, now);
            if (completed) events.push(batchStatusChanged(completed, 'completed', completed.status, now));
          }
          break;
        }
        case 'reschedule': {
          const start = parseFutureStartTime(command.scheduled_start_time, command.timezone, now);
          if (!start.ok)
            throw new ServiceError('validation_failed', start.message, [
              { field: start.field, problems: [start.message] },
            ]);
          await this.batches.reschedule(client, batch.batch_id, start.at, batch.status, now);
          events.push(
            batchStatusChanged(batch, 'scheduled', batch.status, now, 'rescheduled', start.at, command.actor),
          );
          base.scheduled_start_time = start.at.toISOString();
          break;
        }
        case 'delete': {
          await this.contacts.deleteOfBatch(client, batch.batch_id);
          await this.batches.delete(client, batch, now);
          events.push(batchDeleted(batch, now));
          break;
        }
      }
      await this.outbox.enqueue(client, events);
      // The gateway waits until reporting's read model has applied this change (read-your-writes).
      if (command.action !== 'delete') base.status_at = now.toISOString();
      return base;
    });
    this.outbox.kick();
    this.logger.info(
      { batch_id: command.batch_id, action: command.action, status: result.status },
      'batch action applied',
    );
    return result;
  }
}
