import { Inject, Injectable } from '@nestjs/common';
import { CallOutcome, ContactStatus } from '@outdial/contracts';
import { Clock, Database, Logger, Outbox, OutboxEvent, SERVICE_LOGGER } from '@outdial/service-runtime';
import { decideAfterOutcome } from '../../domain/retry-policy';
import { planRetry } from '../../domain/retry-schedule';
import { ContactState, contactUpdated } from '../../domain/scheduler-events';
import { completeIfDone, lockAttemptContact } from '../../persistence/batch-row';
import { OrgSettingsRepository } from '../../persistence/org-settings.repository';
import { CallingWindows } from '../../windows/calling-windows';

export interface AttemptOutcome {
  batch_id: string;
  contact_id: string;
  attempt: number;
  outcome: CallOutcome;
}

/**
 * An attempt ended: the contact becomes final or is queued for a retry (retry policy, landing
 * inside the contact's calling hours and before the batch's end_time), the batch frees the slot,
 * and the batch completes when its last contact is final (exactly once, under the batch row lock).
 */
@Injectable()
export class RecordCallOutcomeUseCase {
  constructor(
    private readonly db: Database,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
    private readonly windows: CallingWindows,
    private readonly orgs: OrgSettingsRepository,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {}

  async execute(result: AttemptOutcome): Promise<void> {
    const applied = await this.db.tx(async (client) => {
      const locked = await lockAttemptContact(client, result, ['dialing', 'in_progress']);
      if (!locked) return false; // the batch was deleted
      const { batch, contact } = locked;
      if (!contact) return false; // a repeated or late result: already applied

      const now = this.clock.now();
      let status: ContactStatus;
      let nextRetryAt: Date | null = null;
      const decision = decideAfterOutcome(result.outcome, result.attempt, batch.settings.max_attempts, batch.settings.retry_policy);
      if (decision.kind === 'final') {
        status = decision.status;
      } else if (batch.status === 'cancelled') {
        status = 'cancelled'; // the call in progress finished; no retry after a cancel
      } else {
        const policy = this.windows.policyFor(batch.settings, await this.orgs.complianceGuard(batch.org_id, client));
        const plan = planRetry(now, decision.delaySeconds, (at) => this.windows.nextCallable(policy, contact.zone_key, at), batch.end_time);
        if (plan.kind === 'retry') {
          status = 'queued';
          nextRetryAt = plan.at;
        } else {
          status = 'expired';
        }
      }
      const updated: ContactState = { ...contact, status, version: contact.version + 1, last_outcome: result.outcome, next_retry_at: nextRetryAt };
      await client.query(
        `UPDATE scheduler.contacts SET status = $2, version = $3, last_outcome = $4, next_retry_at = $5, updated_at = $6 WHERE contact_id = $1`,
        [contact.contact_id, status, updated.version, result.outcome, nextRetryAt, now],
      );
      const events: OutboxEvent[] = [contactUpdated(updated, now)];
      await client.query(
        `UPDATE scheduler.batches SET inflight = GREATEST(inflight - 1, 0), final_count = final_count + $2, updated_at = $3 WHERE batch_id = $1`,
        [batch.batch_id, status === 'queued' ? 0 : 1, now],
      );
      if (status !== 'queued') await completeIfDone(client, batch.batch_id, now, events);
      await this.outbox.enqueue(client, events);
      return true;
    });
    if (applied) this.outbox.kick();
    else this.logger.debug({ ...result }, 'call result already applied or batch deleted');
  }
}
