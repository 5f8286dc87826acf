import { Inject, Injectable } from '@nestjs/common';
import { DialRequest, UnrecoverableReason } from '@outdial/contracts';
import {
  Clock,
  Database,
  Logger,
  MessageGrouper,
  Outbox,
  SecretBox,
  SERVICE_CONFIG,
  SERVICE_LOGGER,
  TransientError,
} from '@outdial/service-runtime';

import {
  CallProvider,
  CallProviderError,
  PROVIDER_NOT_AVAILABLE,
  ProviderUnavailableError,
} from '../../adapters/providers/call-provider';
import { CallProviderRegistry } from '../../adapters/providers/call-provider.registry';
import { DialerEnv } from '../../dialer-env';
import { DialerMetrics } from '../../dialer-metrics';
import { agentMaxConcurrentCalls } from '../../domain/admission';
import { callFinishedEvent, callStartedEvent } from '../../domain/attempt-events';
import { newAttempt } from '../../domain/attempt-record';
import { SimScriptError } from '../../domain/sim-script';
import { AgentsRepository } from '../../persistence/agents.repository';
import { AttemptsRepository, DialRecord } from '../../persistence/attempts.repository';
import { AdmitAttemptUseCase } from '../admit-attempt/admit-attempt.usecase';
import { PlaceCallCommand } from './place-call.command';

/** A dial request that must wait (no slot, no token, agent not announced yet): redelivered later, never dropped. */
export class AdmissionRefusedError extends TransientError {
  constructor(message: string, retryAfterMs: number) {
    super(message, retryAfterMs);
    this.name = 'AdmissionRefusedError';
  }
}

/**
 * The dial records of calls placed at once are written in groups (issue 16: one transaction, one
 * UPDATE and one outbox insert for the group instead of four statements per call). Two groups under
 * way: a place-call waits for its group, and the DIAL consumer's throughput is its concurrency
 * (DIAL_CONCURRENCY, 64) over that wait; more groups at once only made each smaller (bench/scale).
 */
export const DIAL_RECORD_GROUP = { maxItems: 64, lingerMs: 5, maxInFlight: 2 } as const;

export type PlaceCallOutcome = 'dialed' | 'reconciled' | 'declined' | 'failed' | 'expired';

/**
 * Dials one attempt, at most once. Admission (slot, token, attempt row keyed by (contact, attempt))
 * commits before the provider is asked, so a redelivered or duplicated request finds the row and
 * dials nothing. If this process dies between admission and the provider's answer, the attempt
 * stays open and the reaper ends it `timeout` when its lease expires: never a second dial.
 */
@Injectable()
export class PlaceCallUseCase {
  private readonly log: Logger;
  private readonly dialRecords: MessageGrouper<DialRecord>;

  constructor(
    private readonly db: Database,
    private readonly attempts: AttemptsRepository,
    private readonly agents: AgentsRepository,
    private readonly admit: AdmitAttemptUseCase,
    private readonly providers: CallProviderRegistry,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
    private readonly metrics: DialerMetrics,
    @Inject(SERVICE_CONFIG) private readonly env: DialerEnv,
    @Inject(SERVICE_LOGGER) logger: Logger,
    private readonly secretBox: SecretBox,
  ) {
    this.log = logger.child({ component: 'place-call' });
    this.dialRecords = new MessageGrouper((group) => this.recordDials(group), DIAL_RECORD_GROUP);
  }

  /**
   * Throws AdmissionRefusedError (a TransientError: the handler naks with its retryAfterMs) when the
   * request must wait; every other outcome is returned and the message is acknowledged.
   */
  async execute({ request, deliveryCount = 1 }: PlaceCallCommand): Promise<PlaceCallOutcome> {
    const log = this.log.child({
      batch_id: request.batch_id,
      contact_id: request.contact_id,
      attempt_id: request.attempt_id,
      attempt: request.attempt,
    });
    const provider = this.providers.get(request.provider);
    if (!provider)
      return this.endWithoutDialing(request, log, 'failed', PROVIDER_NOT_AVAILABLE, 'provider_not_configured');
    const notConfigured = provider.notConfigured?.();
    if (notConfigured) return this.endWithoutDialing(request, log, 'failed', notConfigured, 'provider_not_configured');
    const agent = await this.agentConfig(request, provider, deliveryCount);
    if (agent === 'not_found')
      return this.endWithoutDialing(
        request,
        log,
        'agent_error',
        `agent ${request.agent_id} is not known to the dialer (never announced, or deleted)`,
        'agent_not_found',
      );
    const agentConfig = agent?.config;

    const admission = await this.admit.execute({
      request,
      agentMaxConcurrentCalls: agentMaxConcurrentCalls(agentConfig),
    });
    switch (admission.kind) {
      case 'reconciled':
        log.info(
          { existing_attempt_id: admission.existing.attempt_id, status: admission.existing.status },
          'reconciled, not dialing',
        );
        return 'reconciled';
      case 'declined':
        this.outbox.kick();
        this.metrics.declined.inc({ reason: admission.byGuard ? 'outside_window_guard' : admission.reason });
        if (admission.byGuard) {
          // The scheduler released a contact whose window is closed now: a fault an operator must see.
          log.warn(
            { reason: admission.reason, calling_window: request.calling_window, not_after: request.not_after },
            "declined by the dialer's own calling-window check although the scheduler released it as open",
          );
        } else log.info({ reason: admission.reason }, 'declined right before dialing; nothing recorded');
        return 'declined';
      case 'refused':
        this.metrics.admissions.inc({ result: 'refused', limit: admission.limit });
        throw new AdmissionRefusedError(`no admission now (${admission.limit} limit)`, admission.retryAfterMs);
      case 'expired':
        this.outbox.kick();
        this.metrics.admissions.inc({ result: 'refused', limit: admission.limit });
        this.metrics.callsFinished.inc({ outcome: 'timeout' });
        // The org's or batch's own limits at work (an expected refusal, counted): not an operator's matter.
        log.info({ limit: admission.limit }, 'not admitted within the call timeout; attempt ended timeout');
        return 'expired';
      case 'admitted':
        break;
    }
    const admittedAt = admission.attempt.admitted_at!;
    this.metrics.admissions.inc({ result: 'granted', limit: '' });
    this.metrics.admissionLatency.observe(Math.max(0, admittedAt.getTime() - Date.parse(request.requested_at)) / 1000);

    const startedAt = this.clock.now();
    let providerCallId: string;
    let hangupOnMachine: boolean | undefined;
    try {
      ({ provider_call_id: providerCallId, hangup_on_machine: hangupOnMachine } = await provider.placeCall({
        attempt_id: request.attempt_id,
        batch_id: request.batch_id,
        contact_id: request.contact_id,
        attempt: request.attempt,
        org_id: request.org_id,
        agent_id: request.agent_id,
        from: request.from_number,
        to: request.phone,
        variables: request.variables,
        agent_config: agentConfig,
        agent_secrets: this.openSecrets(agent?.sealed_secrets ?? null, log),
      }));
    } catch (error) {
      if (error instanceof ProviderUnavailableError) return this.giveBackAdmission(request.attempt_id, error, log);
      await this.failAttempt(request.attempt_id, error, log);
      return 'failed';
    }
    this.metrics.dialLatency.observe(Math.max(0, this.clock.nowMs() - Date.parse(request.requested_at)) / 1000);

    await this.dialRecords.submit({
      attempt_id: request.attempt_id,
      provider_call_id: providerCallId,
      started_at: startedAt,
      hangup_on_machine: hangupOnMachine === true,
    });
    this.metrics.callsStarted.inc({ provider: provider.name });
    log.info({ provider: provider.name, provider_call_id: providerCallId }, 'call started');
    return 'dialed';
  }

  /**
   * The agent's announced config (and sealed secrets), for providers that need it; waits a few
   * deliveries for a just-created agent. `not_found`: deleted, or still unknown after the wait (issue 15:
   * the attempt ends `agent_error` with `unrecoverable_reason: agent_not_found`).
   */
  private async agentConfig(
    request: DialRequest,
    provider: CallProvider,
    deliveryCount: number,
  ): Promise<{ config: Record<string, unknown>; sealed_secrets: string | null } | 'not_found' | undefined> {
    if (!provider.needsAgentConfig) return undefined;
    const agent = await this.agents.find(request.org_id, request.agent_id);
    if (agent && !agent.deleted) return { config: agent.config, sealed_secrets: agent.sealed_secrets };
    if (!agent && deliveryCount < this.env.DIALER_AGENT_WAIT_DELIVERIES) {
      throw new AdmissionRefusedError(`agent ${request.agent_id} not announced yet`, 1000);
    }
    return 'not_found';
  }

  /** The agent's secrets, opened only for this dial; a key mismatch leaves them out (the provider then ends the attempt agent_error). */
  private openSecrets(sealed: string | null, log: Logger): Record<string, string> | undefined {
    if (!sealed) return undefined;
    try {
      return this.secretBox.open(sealed);
    } catch (error) {
      log.warn(
        { reason: (error as Error).message },
        "agent secrets cannot be opened: is OUTDIAL_SECRETS_KEY the gateway's?",
      );
      return undefined;
    }
  }

  /**
   * Nothing can be dialed (no adapter for this provider, or the agent is unknown): recorded ended
   * with `outcome` in one transaction with its call-finished (carrying `unrecoverable`), no slot
   * or token taken. One `info` line: the call-finished tells the user, the scheduler fails the batch.
   */
  private async endWithoutDialing(
    request: DialRequest,
    log: Logger,
    outcome: 'failed' | 'agent_error',
    reason: string,
    unrecoverable: UnrecoverableReason,
  ): Promise<PlaceCallOutcome> {
    const now = this.clock.now();
    // Recorded already ended: its slot is never held.
    const attempt = newAttempt(request, { admittedAt: now, admittedBy: this.env.REPLICA_ID, leaseExpiresAt: now });
    const ended = await this.db.tx(async (client) => {
      const row = await this.attempts.insertIfAbsent(client, attempt, {
        outcome,
        ended_at: now,
        duration_seconds: 0,
        failure_reason: reason,
        unrecoverable_reason: unrecoverable,
      });
      if (row) await this.outbox.enqueue(client, [callFinishedEvent(row)]);
      return row;
    });
    if (!ended) {
      log.info('reconciled, not dialing');
      return 'reconciled';
    }
    this.outbox.kick();
    this.metrics.callsFinished.inc({ outcome });
    this.metrics.unrecoverable.inc({ reason: unrecoverable });
    log.info(
      { provider: request.provider, outcome, unrecoverable_reason: unrecoverable, reason },
      'not dialed; attempt ended',
    );
    return 'failed';
  }

  /**
   * Records that the provider accepted these calls (a group of place-calls, see DIAL_RECORD_GROUP)
   * and enqueues their call-started, in one transaction. Provider events may already have moved an
   * attempt on (or ended it): the status only moves from `admitted` and nothing is overwritten. A
   * row just admitted can only vanish with its batch's deletion: then nothing is enqueued for it.
   */
  private async recordDials(group: DialRecord[]): Promise<null[]> {
    await this.db.tx(async (client) => {
      const rows = await this.attempts.recordDialingMany(client, group);
      await this.outbox.enqueue(client, rows.map(callStartedEvent));
    });
    this.outbox.kick();
    return group.map(() => null);
  }

  /** The provider provably placed nothing: the admission is taken back and the request comes back later. */
  private async giveBackAdmission(attemptId: string, error: ProviderUnavailableError, log: Logger): Promise<never> {
    const removed = await this.db.tx((client) => this.attempts.deleteUndialed(client, attemptId));
    // Expected back-pressure (429/503/refused), retried and counted: debug, no stack.
    this.metrics.admissionsGivenBack.inc();
    log.debug({ reason: error.message, removed }, 'provider unavailable; admission given back, retrying later');
    throw new AdmissionRefusedError(error.message, error.retryAfterMs);
  }

  /** The provider refused (or could not be reached): the attempt ends now; it is never dialed again. */
  private async failAttempt(attemptId: string, error: unknown, log: Logger): Promise<void> {
    const outcome = error instanceof CallProviderError ? error.outcome : 'failed';
    const unrecoverable = error instanceof CallProviderError ? error.unrecoverable : undefined;
    const reason = error instanceof Error ? error.message : String(error);
    const ended = await this.db.tx(async (client) => {
      const row = await this.attempts.end(client, attemptId, {
        outcome,
        ended_at: this.clock.now(),
        duration_seconds: 0,
        failure_reason: reason,
        unrecoverable_reason: unrecoverable,
      });
      if (row) await this.outbox.enqueue(client, [callFinishedEvent(row)]);
      return row;
    });
    if (!ended) return;
    this.outbox.kick();
    this.metrics.callsFinished.inc({ outcome });
    if (unrecoverable) this.metrics.unrecoverable.inc({ reason: unrecoverable });
    if (error instanceof CallProviderError && error.cause instanceof SimScriptError) {
      // The contact's own sim_outcomes / sim_duration_seconds is malformed (issue 15): the attempt's
      // outcome and failure_reason tell the user; one line, no stack, counted.
      this.metrics.simScriptInvalid.inc();
      log.debug({ outcome, reason }, 'invalid simulated-call script; attempt ended');
    } else if (error instanceof CallProviderError) {
      // The provider or the agent's config refused this call: the outcome says why. One line, no stack.
      log.info(
        { outcome, reason, unrecoverable_reason: unrecoverable },
        'provider did not place the call; attempt ended',
      );
    } else log.warn({ err: error, outcome }, 'provider did not place the call; attempt ended');
  }
}
