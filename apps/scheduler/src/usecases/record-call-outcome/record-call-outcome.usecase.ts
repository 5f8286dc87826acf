import { Inject, Injectable } from '@nestjs/common';
import { BatchSettings, CallOutcome, ContactStatus } from '@outdial/contracts';
import { Clock, Database, Logger, Outbox, OutboxEvent, SERVICE_LOGGER, TransientError } from '@outdial/service-runtime';
import { decideAfterOutcome } from '../../domain/retry-policy';
import { batchStatusChanged, ContactState, contactUpdated } from '../../domain/scheduler-events';

export interface AttemptOutcome {
  batch_id: string;
  contact_id: string;
  attempt: number;
  outcome: CallOutcome;
}

/**
 * An attempt ended: the contact becomes final or is queued for a retry (retry policy), the batch
 * frees the slot, and the batch completes when its last contact is final (exactly once: the
 * transition is made under the batch row lock).
 */
@Injectable()
export class RecordCallOutcomeUseCase {
  constructor(
    private readonly db: Database,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {}

  async execute(result: AttemptOutcome): Promise<void> {
    const applied = await this.db.tx(async (client) => {
      const batches = await client.query<{ batch_id: string; org_id: string; status: string; settings: BatchSettings; total_contacts: number }>(
        `SELECT batch_id, org_id, status, settings, total_contacts FROM scheduler.batches WHERE batch_id = $1 FOR UPDATE`,
        [result.batch_id],
      );
      const batch = batches.rows[0];
      if (!batch) throw new TransientError(`batch ${result.batch_id} unknown`, 500);
      const contacts = await client.query<ContactState>(
        `SELECT contact_id, batch_id, org_id, status, version, attempts, last_outcome, next_retry_at, last_attempt_at
           FROM scheduler.contacts
          WHERE contact_id = $1 AND attempts = $2 AND status IN ('dialing', 'in_progress')
          FOR UPDATE`,
        [result.contact_id, result.attempt],
      );
      const contact = contacts.rows[0];
      if (!contact) return false; // a repeated or late result: already applied

      const now = this.clock.now();
      const decision =
        batch.status === 'cancelled'
          ? ({ kind: 'final', status: 'cancelled' } as const)
          : decideAfterOutcome(result.outcome, result.attempt, batch.settings.max_attempts, batch.settings.retry_policy);
      const status: ContactStatus = decision.kind === 'final' ? decision.status : 'queued';
      const nextRetryAt = decision.kind === 'retry' ? new Date(now.getTime() + decision.delaySeconds * 1000) : null;
      const updated: ContactState = { ...contact, status, version: contact.version + 1, last_outcome: result.outcome, next_retry_at: nextRetryAt };
      await client.query(
        `UPDATE scheduler.contacts SET status = $2, version = $3, last_outcome = $4, next_retry_at = $5, updated_at = $6 WHERE contact_id = $1`,
        [contact.contact_id, status, updated.version, result.outcome, nextRetryAt, now],
      );
      const events: OutboxEvent[] = [contactUpdated(updated, now)];
      const counters = await client.query<{ final_count: number }>(
        `UPDATE scheduler.batches SET inflight = GREATEST(inflight - 1, 0), final_count = final_count + $2, updated_at = $3
          WHERE batch_id = $1 RETURNING final_count`,
        [batch.batch_id, decision.kind === 'final' ? 1 : 0, now],
      );
      if (counters.rows[0].final_count >= batch.total_contacts && (batch.status === 'running' || batch.status === 'paused')) {
        await client.query(`UPDATE scheduler.batches SET status = 'completed', completed_at = $2 WHERE batch_id = $1`, [batch.batch_id, now]);
        events.push(batchStatusChanged(batch, 'completed', batch.status as 'running', now));
      }
      await this.outbox.enqueue(client, events);
      return true;
    });
    if (applied) this.outbox.kick();
    else this.logger.debug({ ...result }, 'call result already applied');
  }
}
