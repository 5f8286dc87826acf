import { Inject, Injectable } from '@nestjs/common';
import { BatchStatus, CircuitBreakerSettings, ContactStatus } from '@outdial/contracts';
import {
  Clock,
  Database,
  Logger,
  NotKnownYetError,
  Outbox,
  OutboxEvent,
  SERVICE_LOGGER,
  SqlClient,
} from '@outdial/service-runtime';

import { CallingWindowCache } from '../../adapters/calling-window-cache';
import {
  completionStep,
  FAILABLE_STATUSES,
  UNKNOWN_BATCH_EVENT_MAX_AGE_MS,
  UNRECOVERABLE_ACTOR,
  unrecoverableFailureReason,
} from '../../domain/batch-lifecycle';
import { BreakerState, recordAttemptResult } from '../../domain/circuit-breaker';
import { decideAfterOutcome } from '../../domain/retry-policy';
import { planRetry } from '../../domain/retry-schedule';
import { batchStatusChanged, ContactState, contactUpdated } from '../../domain/scheduler-events';
import { BatchesRepository, BatchRow } from '../../persistence/batches.repository';
import { AttemptContact, ContactsRepository } from '../../persistence/contacts.repository';
import { OrgSettingsRepository } from '../../persistence/org-settings.repository';
import {
  RecordCallOutcomeCommand,
  RecordCallOutcomeResult,
  RecordCallOutcomesCommand,
} from './record-call-outcome.command';

/** The actor of an auto-pause in the batch's events and activity log. */
export const CIRCUIT_BREAKER_ACTOR = 'circuit breaker';

/** A batch as a group of results changes it, in memory, before the one counters update. */
interface BatchChange {
  row: BatchRow;
  status: BatchStatus;
  previous_status: BatchStatus | null;
  breaker: BreakerState;
  ended: number;
  finals: number;
}

/**
 * Attempts ended: each contact becomes final or is queued for a retry (retry policy, landing inside
 * the contact's calling hours and before the batch's end_time), its batch frees the slot, and a
 * batch completes when its last contact is final (exactly once, under the batch row lock). A batch
 * whose recent attempts fail for system reasons pauses itself here (domain/circuit-breaker, SPEC §4
 * auto-pause); one whose attempt failed for a reason no later attempt can get past
 * (`unrecoverable_reason`: provider not configured, agent not found) ends `failed` at once (SPEC §4),
 * like a batch whose agent was deleted (its waiting contacts stay as they are; calls in progress
 * finish and are recorded as usual).
 *
 * A group of results is applied in ONE transaction (issue 16: one lock per batch instead of one per
 * event): the batches locked once in batch_id order, the contacts locked once, the results applied
 * in memory in their order (so two results of one contact behave as one after the other), then one
 * contacts update, one counters update, one outbox insert. A repeated or late result, or one of a
 * deleted batch, changes nothing (`skipped`); one of a batch not registered yet is an `error`
 * (`NotKnownYetError`: retried, then dead-lettered) and does not hold back the others. Should the
 * group's transaction fail, each result is applied again in a transaction of its own, so one bad
 * result never loses or double-applies the others.
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

  /** Applies the results; one settlement per result, at the same index. Never rejects. */
  async execute(command: RecordCallOutcomesCommand): Promise<RecordCallOutcomeResult[]> {
    const { results } = command;
    if (results.length === 0) return [];
    let settled: RecordCallOutcomeResult[];
    try {
      settled = await this.db.tx((client) => this.applyGroup(client, results));
    } catch (error) {
      if (results.length === 1) return [{ kind: 'error', error }];
      this.logger.debug(
        { results: results.length, reason: (error as Error).message },
        'call results group failed; applying them one by one',
      );
      settled = [];
      for (const result of results) {
        try {
          settled.push(...(await this.db.tx((client) => this.applyGroup(client, [result]))));
        } catch (single) {
          settled.push({ kind: 'error', error: single });
        }
      }
    }
    if (settled.some((s) => s.kind === 'applied')) this.outbox.kick();
    return settled;
  }

  private async applyGroup(client: SqlClient, results: RecordCallOutcomeCommand[]): Promise<RecordCallOutcomeResult[]> {
    const batchIds = [...new Set(results.map((r) => r.batch_id))].sort();
    const { locked, deleted } = await this.batches.lockMany(client, batchIds);
    const changes = new Map<string, BatchChange>(
      locked.map((row) => [
        row.batch_id,
        { row, status: row.status, previous_status: null, breaker: row.breaker, ended: 0, finals: 0 },
      ]),
    );
    const known = results.filter((r) => changes.has(r.batch_id));
    const state = new Map<string, AttemptContact>(
      known.length > 0
        ? (await this.contacts.lockContacts(client, [...new Set(known.map((r) => r.contact_id))])).map((c) => [
            c.contact_id,
            c,
          ])
        : [],
    );
    const rules = await this.orgs.rulesOf([...new Set(locked.map((b) => b.org_id))], client);
    const now = this.clock.now();
    const events: OutboxEvent[] = [];
    const changed = new Map<string, ContactState>();

    const settled = results.map((result): RecordCallOutcomeResult => {
      const change = changes.get(result.batch_id);
      if (!change) {
        if (deleted.has(result.batch_id)) return { kind: 'skipped' }; // the late event is dropped
        return {
          kind: 'error',
          error: new NotKnownYetError(`batch ${result.batch_id} unknown`, UNKNOWN_BATCH_EVENT_MAX_AGE_MS),
        };
      }
      const contact = state.get(result.contact_id);
      if (
        !contact ||
        contact.attempts !== result.attempt ||
        (contact.status !== 'dialing' && contact.status !== 'in_progress')
      )
        return { kind: 'skipped' }; // a repeated or late result: already applied
      const rule = rules.get(change.row.org_id)!;
      const updated = this.decide(change, contact, result, rule.compliance_guard, now);
      state.set(contact.contact_id, { ...updated, zone_key: contact.zone_key });
      changed.set(contact.contact_id, updated);
      events.push(contactUpdated(updated, now));
      change.ended += 1;
      if (updated.status !== 'queued') change.finals += 1;
      this.applyBreaker(change, result, rule.circuit_breaker, now, events);
      if (result.unrecoverable_reason && FAILABLE_STATUSES.includes(change.status)) {
        const reason = unrecoverableFailureReason(
          result.unrecoverable_reason,
          change.row.agent_id,
          change.row.provider,
        );
        events.push(
          batchStatusChanged(change.row, 'failed', change.status, now, reason, undefined, UNRECOVERABLE_ACTOR),
        );
        this.logger.warn(
          { batch_id: change.row.batch_id, org_id: change.row.org_id, contact_id: result.contact_id, reason },
          'batch failed: an attempt failed for a reason no later attempt can get past',
        );
        change.previous_status = change.status;
        change.status = 'failed';
      }
      return { kind: 'applied' };
    });

    await this.contacts.recordOutcomes(client, [...changed.values()], now);
    const touched = [...changes.values()].filter((c) => c.ended > 0);
    await this.batches.recordAttemptEnds(
      client,
      touched.map((c) => ({
        batch_id: c.row.batch_id,
        ended: c.ended,
        finals: c.finals,
        breaker: c.breaker,
        status: c.status,
        previous_status: c.previous_status,
      })),
      now,
    );
    for (const change of touched) {
      const after = { ...change.row, status: change.status, final_count: change.row.final_count + change.finals };
      if (completionStep(after) === 'none') continue; // nothing to complete: no extra query
      const completed = await this.batches.completeIfDone(client, change.row.batch_id, now);
      if (completed) events.push(batchStatusChanged(completed, 'completed', completed.status, now));
    }
    await this.outbox.enqueue(client, events);
    return settled;
  }

  /** The contact after this attempt's result: final, queued for a retry, or expired (no retry fits). */
  private decide(
    change: BatchChange,
    contact: AttemptContact,
    result: RecordCallOutcomeCommand,
    complianceGuard: boolean,
    now: Date,
  ): ContactState {
    const settings = change.row.settings;
    let status: ContactStatus;
    let nextRetryAt: Date | null = null;
    const decision = decideAfterOutcome(result.outcome, result.attempt, settings.max_attempts, settings.retry_policy);
    if (decision.kind === 'final') {
      status = decision.status;
    } else if (change.status === 'cancelled') {
      status = 'cancelled'; // the call in progress finished; no retry after a cancel
    } else {
      const policy = this.windows.policyFor(settings, complianceGuard);
      const plan = planRetry(
        now,
        decision.delaySeconds,
        (at) => this.windows.nextCallable(policy, contact.zone_key, at),
        change.row.end_time,
      );
      if (plan.kind === 'retry') {
        status = 'queued';
        nextRetryAt = plan.at;
      } else {
        status = 'expired';
      }
    }
    const { zone_key: _zone, ...rest } = contact;
    return { ...rest, status, version: contact.version + 1, last_outcome: result.outcome, next_retry_at: nextRetryAt };
  }

  /** Auto-pause (SPEC §4): the batch's recent results, under the same batch row lock. */
  private applyBreaker(
    change: BatchChange,
    result: RecordCallOutcomeCommand,
    settings: CircuitBreakerSettings,
    now: Date,
    events: OutboxEvent[],
  ): void {
    const breaker = recordAttemptResult(change.breaker, result.outcome, now.getTime(), settings);
    change.breaker = breaker.state;
    if (!breaker.verdict.trip || change.status !== 'running') return;
    events.push(
      batchStatusChanged(
        change.row,
        'paused',
        'running',
        now,
        breaker.verdict.reason,
        undefined,
        CIRCUIT_BREAKER_ACTOR,
      ),
    );
    this.logger.warn(
      {
        batch_id: change.row.batch_id,
        org_id: change.row.org_id,
        attempts: breaker.verdict.attempts,
        system_failures: breaker.verdict.system_failures,
        agent_error_run: breaker.verdict.agent_error_run,
      },
      breaker.verdict.reason,
    );
    change.previous_status = 'running';
    change.status = 'paused';
  }
}
