import { Inject, Injectable } from '@nestjs/common';
import { CallOutcome, ContactStatus } from '@outdial/contracts';
import { Clock, Database, Logger, Outbox, OutboxEvent, SERVICE_LOGGER } from '@outdial/service-runtime';
import { decideAfterOutcome } from '../../domain/retry-policy';
import { planRetry } from '../../domain/retry-schedule';
import { recordAttemptResult } from '../../domain/circuit-breaker';
import { batchStatusChanged, ContactState, contactUpdated } from '../../domain/scheduler-events';
import { completeIfDone, lockAttemptContact } from '../../persistence/batch-row';
import { OrgSettingsRepository } from '../../persistence/org-settings.repository';
import { CallingWindows } from '../../windows/calling-windows';

/** The actor of an auto-pause in the batch's events and activity log. */
export const CIRCUIT_BREAKER_ACTOR = 'circuit breaker';

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
 * A batch whose recent attempts fail for system reasons pauses itself here (domain/circuit-breaker).
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
      // Auto-pause (SPEC §4): the batch's recent results, under the same batch row lock.
      const breaker = recordAttemptResult(batch.breaker, result.outcome, now.getTime(), await this.orgs.circuitBreaker(batch.org_id, client));
      const autoPause = breaker.verdict.trip && batch.status === 'running';
      await client.query(
        `UPDATE scheduler.batches SET inflight = GREATEST(inflight - 1, 0), final_count = final_count + $2, updated_at = $3, breaker = $4,
                status = CASE WHEN $5 THEN 'paused' ELSE status END, previous_status = CASE WHEN $5 THEN status ELSE previous_status END
          WHERE batch_id = $1`,
        [batch.batch_id, status === 'queued' ? 0 : 1, now, JSON.stringify(breaker.state), autoPause],
      );
      if (autoPause && breaker.verdict.trip) {
        events.push(batchStatusChanged(batch, 'paused', 'running', now, breaker.verdict.reason, undefined, CIRCUIT_BREAKER_ACTOR));
        this.logger.warn({ batch_id: batch.batch_id, org_id: batch.org_id, attempts: breaker.verdict.attempts, system_failures: breaker.verdict.system_failures, agent_error_run: breaker.verdict.agent_error_run }, breaker.verdict.reason);
      }
      if (status !== 'queued') await completeIfDone(client, batch.batch_id, now, events);
      await this.outbox.enqueue(client, events);
      return true;
    });
    if (applied) this.outbox.kick();
    else this.logger.debug({ ...result }, 'call result already applied or batch deleted');
  }
}
