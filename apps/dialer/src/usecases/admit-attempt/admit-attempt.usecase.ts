import { Inject, Injectable } from '@nestjs/common';
import { DialDeclineReason, DialRequest } from '@outdial/contracts';
import { Clock, Database, Outbox, SERVICE_CONFIG } from '@outdial/service-runtime';

import { DialerEnv } from '../../dialer-env';
import { AdmissionLimit, batchAllowsDial, decideAdmission, dialTimeVerdict } from '../../domain/admission';
import { callDeclinedEvent, callFinishedEvent } from '../../domain/attempt-events';
import { AttemptRecord, NewAttempt, newAttempt } from '../../domain/attempt-record';
import { AttemptsRepository } from '../../persistence/attempts.repository';
import { BatchStatesRepository } from '../../persistence/batch-states.repository';
import { OrgBudgetsRepository } from '../../persistence/org-budgets.repository';
import { AdmitAttemptCommand } from './admit-attempt.command';

export type AdmissionResult =
  /** The slot and token are taken and the attempt is recorded: dial it. */
  | { kind: 'admitted'; attempt: AttemptRecord }
  /** This (contact, attempt) was admitted before: never dial it again. */
  | { kind: 'reconciled'; existing: AttemptRecord }
  /**
   * The batch is not running or the window closed: nothing recorded, call-declined enqueued.
   * `byGuard`: the window was closed by the dialer's own check although `not_after` said open.
   */
  | { kind: 'declined'; reason: DialDeclineReason; byGuard: boolean }
  /** No slot or no token now: nothing recorded; try again after retryAfterMs. */
  | { kind: 'refused'; limit: AdmissionLimit; retryAfterMs: number }
  /** Refused for longer than the call timeout: recorded as ended `timeout` (the scheduler would give up on it next). */
  | { kind: 'expired'; limit: AdmissionLimit; attempt: AttemptRecord };

export const NOT_ADMITTED_REASON = 'not admitted within the call timeout';

/**
 * Admission of one attempt, in ONE transaction under the org's budget row lock (shared by every
 * replica): already admitted? -> reconcile; batch not running / window closed? -> decline; then
 * a batch slot, an agent slot, an org slot and a rate token, and the attempt row keyed by
 * (contact, attempt). Either all of it commits or none of it. In the common case the statements
 * are the lock, ONE read of everything else (AttemptsRepository.admissionView), the bucket save and
 * the insert: admission speed is what bench/dial measures, keep it that way.
 * Called by PlaceCallUseCase before the provider is asked; never throws for a refusal (see AdmissionResult).
 */
@Injectable()
export class AdmitAttemptUseCase {
  constructor(
    private readonly db: Database,
    private readonly attempts: AttemptsRepository,
    private readonly budgets: OrgBudgetsRepository,
    private readonly batches: BatchStatesRepository,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
    @Inject(SERVICE_CONFIG) private readonly env: DialerEnv,
  ) {}

  execute({ request, agentMaxConcurrentCalls }: AdmitAttemptCommand): Promise<AdmissionResult> {
    return this.db.tx(async (client): Promise<AdmissionResult> => {
      const budget = await this.budgets.lock(client, request.org_id, this.clock.now());
      // The time is read after the lock is granted, so admissions of one org are in time order.
      const now = this.clock.now();
      const view = await this.attempts.admissionView(client, this.batches.tableName, request);
      if (view.existing) return { kind: 'reconciled', existing: view.existing };

      const requestedAtMs = Date.parse(request.requested_at);
      const batchState =
        view.batch_status && view.batch_changed_at
          ? { status: view.batch_status, changedAtMs: new Date(view.batch_changed_at).getTime() }
          : undefined;
      // The window is checked here, at the instant of admission, by the dialer itself (SPEC §3).
      const timeVerdict = dialTimeVerdict(request, now.getTime());
      const reason: DialDeclineReason | undefined = !batchAllowsDial(batchState, requestedAtMs)
        ? 'batch_not_running'
        : timeVerdict !== 'open'
          ? 'outside_window'
          : undefined;
      if (reason) {
        await this.outbox.enqueue(client, [callDeclinedEvent(request, reason, now)]);
        return { kind: 'declined', reason, byGuard: reason === 'outside_window' && timeVerdict === 'closed_by_guard' };
      }

      const decision = decideAdmission({
        orgOpen: view.org_open,
        batchOpen: view.batch_open,
        maxConcurrentCalls: budget.max_concurrent_calls,
        agentOpen: view.agent_open,
        agentMaxConcurrentCalls,
        batchConcurrency: request.batch_concurrency,
        callsPerSecond: budget.calls_per_second,
        bucket: { tokens: budget.tokens, refilledAtMs: budget.refilled_at.getTime() },
        nowMs: now.getTime(),
      });
      if (decision.kind === 'refuse') {
        if (now.getTime() < requestedAtMs + request.timeout_seconds * 1000) {
          return { kind: 'refused', limit: decision.limit, retryAfterMs: this.retryDelay(decision.retryAfterMs) };
        }
        const ended = await this.attempts.insertIfAbsent(client, this.admissionOf(request, now), {
          outcome: 'timeout',
          ended_at: now,
          duration_seconds: 0,
          failure_reason: `${NOT_ADMITTED_REASON} (${decision.limit} limit)`,
        });
        await this.outbox.enqueue(client, [callFinishedEvent(ended!)]);
        return { kind: 'expired', limit: decision.limit, attempt: ended! };
      }

      await this.budgets.saveBucket(client, request.org_id, decision.bucket);
      const admitted = await this.attempts.insertIfAbsent(client, this.admissionOf(request, now));
      // Unreachable while the org lock is held (the lookup above would have found it); kept as a guard.
      if (!admitted) throw new Error(`attempt ${request.attempt_id} appeared during its own admission`);
      return { kind: 'admitted', attempt: admitted };
    });
  }

  /** The slot is a lease: the reaper takes it back (attempt `timeout`) if no result came by then. */
  private admissionOf(request: DialRequest, now: Date): NewAttempt {
    const leaseExpiresAt = new Date(
      now.getTime() + (request.timeout_seconds + this.env.DIALER_LEASE_GRACE_SECONDS) * 1000,
    );
    return newAttempt(request, { admittedAt: now, admittedBy: this.env.REPLICA_ID, leaseExpiresAt });
  }

  /** Rate refusals wait for their token (+ a little jitter so waiters do not collide); slot refusals poll with jitter. */
  private retryDelay(tokenWaitMs: number | undefined): number {
    if (tokenWaitMs !== undefined) return tokenWaitMs + Math.floor(Math.random() * 20);
    const base = this.env.DIALER_ADMISSION_RETRY_MS;
    return Math.round(base * (0.5 + Math.random()));
  }
}
