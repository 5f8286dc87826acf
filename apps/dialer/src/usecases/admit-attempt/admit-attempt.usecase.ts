import { Inject, Injectable } from '@nestjs/common';
import { DialDeclineReason, DialRequest } from '@outdial/contracts';
import { Clock, Database, MessageGrouper, Outbox, SERVICE_CONFIG } from '@outdial/service-runtime';

import { DialerEnv } from '../../dialer-env';
import { AdmissionLimit, dialTimeVerdict } from '../../domain/admission';
import { callDeclinedEvent, callFinishedEvent } from '../../domain/attempt-events';
import { AttemptRecord, NewAttempt, newAttempt } from '../../domain/attempt-record';
import { AttemptsRepository } from '../../persistence/attempts.repository';
import { AdmitInput, AdmitVerdict, OrgBudgetsRepository } from '../../persistence/org-budgets.repository';
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
 * The requests a replica is admitting at once go to PostgreSQL as one group (issue 16: one
 * statement, one transaction, each org's row locked once): at most maxItems a group, the first
 * waiting at most lingerMs for company; one group under way per replica (the next forms while it
 * applies; groups of several replicas lock orgs in org_id order, so they cannot deadlock). The DIAL
 * consumer's concurrency bounds a group. A second group under way only waited on the same org row.
 */
export const ADMISSION_GROUP = { maxItems: 64, lingerMs: 2, maxInFlight: 1 } as const;

/** One request waiting in an admission group, and the verdict its group gave it. */
interface PendingAdmission {
  input: Omit<AdmitInput, 'lease_grace_seconds' | 'admitted_by' | 'clock_offset_ms'>;
  verdict?: AdmitVerdict;
}

/**
 * Admission of one attempt in ONE statement (issue 16): the `admit_attempt` SQL function runs on an
 * autocommit connection, so the org's budget row lock (shared by every replica) is held for that
 * statement only, never across round trips or this process's event loop. The requests this replica
 * admits at once share that statement (ADMISSION_GROUP, OrgBudgetsRepository.admitMany): each is
 * decided as if alone, under one lock per org. Under it: already admitted? -> reconcile; batch not running / `not_after`
 * passed? -> decline; then a batch slot, an agent slot, an org slot (counted in rows kept by
 * triggers, not with count(*)) and a rate token, and the attempt row keyed by (contact, attempt).
 * The calling window is checked by the dialer's own guard just before (SPEC §3), with the same
 * clock. Declines enqueue `v1.call.declined` afterwards (nothing was recorded, so a crash in
 * between only means the redelivered request is declined again). A request refused past its
 * `timeout_seconds` is recorded ended `timeout` with its call-finished, in one transaction.
 * Called by PlaceCallUseCase before the provider is asked; never throws for a refusal (see AdmissionResult).
 */
@Injectable()
export class AdmitAttemptUseCase {
  private readonly groups: MessageGrouper<PendingAdmission>;

  constructor(
    private readonly db: Database,
    private readonly attempts: AttemptsRepository,
    private readonly budgets: OrgBudgetsRepository,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
    @Inject(SERVICE_CONFIG) private readonly env: DialerEnv,
  ) {
    // A group that fails as a whole is applied again one by one: only the request at fault fails.
    this.groups = new MessageGrouper((group) => this.admitGroup(group), ADMISSION_GROUP);
  }

  async execute({ request, agentMaxConcurrentCalls }: AdmitAttemptCommand): Promise<AdmissionResult> {
    // The dialer's own window check, at the instant of admission (SPEC §3). `not_after` is checked
    // again by the SQL function after the lock, on the same clock.
    const timeVerdict = dialTimeVerdict(request, this.clock.nowMs());
    const pending: PendingAdmission = {
      input: {
        attempt_id: request.attempt_id,
        contact_id: request.contact_id,
        attempt: request.attempt,
        batch_id: request.batch_id,
        org_id: request.org_id,
        agent_id: request.agent_id,
        provider: request.provider,
        requested_at: request.requested_at,
        timeout_seconds: request.timeout_seconds,
        batch_concurrency: request.batch_concurrency,
        agent_max_concurrent_calls: agentMaxConcurrentCalls,
        // A window the guard finds closed is declined like a passed not_after (unless the attempt exists).
        not_after: timeVerdict === 'open' ? request.not_after : new Date(0).toISOString(),
      },
    };
    await this.groups.submit(pending);
    const verdict = pending.verdict!;
    switch (verdict.verdict) {
      case 'admitted':
        return { kind: 'admitted', attempt: verdict.attempt };
      case 'reconciled':
        return { kind: 'reconciled', existing: verdict.attempt };
      case 'declined': {
        const reason: DialDeclineReason = verdict.reason;
        await this.db.tx((client) => this.outbox.enqueue(client, [callDeclinedEvent(request, reason, verdict.at)]));
        return { kind: 'declined', reason, byGuard: reason === 'outside_window' && timeVerdict === 'closed_by_guard' };
      }
      case 'refused':
        break;
    }
    const now = verdict.at;
    if (now.getTime() < Date.parse(request.requested_at) + request.timeout_seconds * 1000) {
      return { kind: 'refused', limit: verdict.limit, retryAfterMs: this.retryDelay(verdict.retryAfterMs) };
    }
    // Holds no slot: recorded ended, outside the org lock (the insert is a no-op if admitted meanwhile).
    const ended = await this.db.tx(async (client) => {
      const row = await this.attempts.insertIfAbsent(client, this.admissionOf(request, now), {
        outcome: 'timeout',
        ended_at: now,
        duration_seconds: 0,
        failure_reason: `${NOT_ADMITTED_REASON} (${verdict.limit} limit)`,
      });
      if (row) await this.outbox.enqueue(client, [callFinishedEvent(row)]);
      return row;
    });
    if (!ended) {
      const existing = await this.db.tx((client) => this.attempts.find(client, request));
      if (existing) return { kind: 'reconciled', existing };
      throw new Error(`attempt ${request.attempt_id} neither recorded nor found`);
    }
    return { kind: 'expired', limit: verdict.limit, attempt: ended };
  }

  /** Admits a group in one statement; each request's verdict is left on its PendingAdmission. */
  private async admitGroup(group: PendingAdmission[]): Promise<null[]> {
    const verdicts = await this.budgets.admitMany(
      this.db.pool,
      group.map((p) => p.input),
      {
        lease_grace_seconds: this.env.DIALER_LEASE_GRACE_SECONDS,
        admitted_by: this.env.REPLICA_ID,
        clock_offset_ms: this.clock.nowMs() - Date.now(),
      },
    );
    group.forEach((p, i) => (p.verdict = verdicts[i]));
    return group.map(() => null);
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
