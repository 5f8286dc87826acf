import { Inject, Injectable } from '@nestjs/common';
import { ContactStatus } from '@outdial/contracts';
import {
  Clock,
  Database,
  Logger,
  NotKnownYetError,
  Outbox,
  OutboxEvent,
  SERVICE_LOGGER,
} from '@outdial/service-runtime';

import { CallingWindowCache } from '../../adapters/calling-window-cache';
import { UNKNOWN_BATCH_EVENT_MAX_AGE_MS } from '../../domain/batch-lifecycle';
import { recordAttemptResult } from '../../domain/circuit-breaker';
import { decideAfterOutcome } from '../../domain/retry-policy';
import { planRetry } from '../../domain/retry-schedule';
import { batchStatusChanged, ContactState, contactUpdated } from '../../domain/scheduler-events';
import { BatchesRepository } from '../../persistence/batches.repository';
import { ContactsRepository } from '../../persistence/contacts.repository';
import { OrgSettingsRepository } from '../../persistence/org-settings.repository';
import { RecordCallOutcomeCommand } from './record-call-outcome.command';

/** The actor of an auto-pause in the batch's events and activity log. */
export const CIRCUIT_BREAKER_ACTOR = 'circuit breaker';

/**
 * An attempt ended: the contact becomes final or is queued for a retry (retry policy, landing
 * inside the contact's calling hours and before the batch's end_time), the batch frees the slot,
 * and the batch completes when its last contact is final (exactly once, under the batch row lock).
 * A batch whose recent attempts fail for system reasons pauses itself here (domain/circuit-breaker,
 * SPEC §4 auto-pause). A repeated or late result, or one of a deleted batch, changes nothing;
 * one of a batch not registered yet throws `NotKnownYetError` (retried, then dead-lettered).
 */
@Injectable()
export class RecordCallOutcomeUseCase {
  constructor(
    private readonly db: Database,
    private readonly batches: BatchesRepository,
    private readonly contacts: ContactsRepository,
    private readonly orgs: OrgSettingsRepository,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
    private readonly windows: CallingWindowCache,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {}

  async execute(result: RecordCallOutcomeCommand): Promise<void> {
    const applied = await this.db.tx(async (client) => {
      const batch = await this.batches.lockLive(client, result.batch_id);
      if (batch === 'deleted') return false; // the late event is dropped
      if (!batch) throw new NotKnownYetError(`batch ${result.batch_id} unknown`, UNKNOWN_BATCH_EVENT_MAX_AGE_MS);
      const contact = await this.contacts.lockAttempt(client, result.contact_id, result.attempt, [
        'dialing',
        'in_progress',
      ]);
      if (!contact) return false; // a repeated or late result: already applied

      const now = this.clock.now();
      let status: ContactStatus;
      let nextRetryAt: Date | null = null;
      const decision = decideAfterOutcome(
        result.outcome,
        result.attempt,
        batch.settings.max_attempts,
        batch.settings.retry_policy,
      );
      if (decision.kind === 'final') {
        status = decision.status;
      } else if (batch.status === 'cancelled') {
        status = 'cancelled'; // the call in progress finished; no retry after a cancel
      } else {
        const policy = this.windows.policyFor(batch.settings, await this.orgs.complianceGuard(batch.org_id, client));
        const plan = planRetry(
          now,
          decision.delaySeconds,
          (at) => this.windows.nextCallable(policy, contact.zone_key, at),
          batch.end_time,
        );
        if (plan.kind === 'retry') {
          status = 'queued';
          nextRetryAt = plan.at;
        } else {
          status = 'expired';
        }
      }
      const updated: ContactState = {
        ...contact,
        status,
        version: contact.version + 1,
        last_outcome: result.outcome,
        next_retry_at: nextRetryAt,
      };
      await this.contacts.recordOutcome(client, updated, now);
      const events: OutboxEvent[] = [contactUpdated(updated, now)];
      // Auto-pause (SPEC §4): the batch's recent results, under the same batch row lock.
      const breaker = recordAttemptResult(
        batch.breaker,
        result.outcome,
        now.getTime(),
        await this.orgs.circuitBreaker(batch.org_id, client),
      );
      const autoPause = breaker.verdict.trip && batch.status === 'running';
      await this.batches.recordAttemptEnd(client, batch.batch_id, {
        final: status !== 'queued',
        breaker: breaker.state,
        autoPause,
        now,
      });
      if (autoPause && breaker.verdict.trip) {
        events.push(
          batchStatusChanged(batch, 'paused', 'running', now, breaker.verdict.reason, undefined, CIRCUIT_BREAKER_ACTOR),
        );
        this.logger.warn(
          {
            batch_id: batch.batch_id,
            org_id: batch.org_id,
            attempts: breaker.verdict.attempts,
            system_failures: breaker.verdict.system_failures,
            agent_error_run: breaker.verdict.agent_error_run,
          },
          breaker.verdict.reason,
        );
      }
      if (status !== 'queued') {
        const completed = await this.batches.completeIfDone(client, batch.batch_id, now);
        if (completed) events.push(batchStatusChanged(completed, 'completed', completed.status, now));
      }
      await this.outbox.enqueue(client, events);
      return true;
    });
    if (applied) this.outbox.kick();
    else this.logger.debug({ ...result }, 'call result already applied or batch deleted');
  }
}
