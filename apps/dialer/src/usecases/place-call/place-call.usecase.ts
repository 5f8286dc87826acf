import { Inject, Injectable } from '@nestjs/common';
import { DialRequest } from '@outdial/contracts';
import { Clock, Database, Logger, Outbox, SERVICE_CONFIG, SERVICE_LOGGER } from '@outdial/service-runtime';
import { DialerEnv } from '../../dialer-env';
import { callFinishedEvent, callStartedEvent } from '../../domain/attempt-events';
import { DialerMetrics } from '../../dialer-metrics';
import { AttemptsRepository, NewAttempt } from '../../persistence/attempts.repository';
import { CallProviderError, PROVIDER_NOT_AVAILABLE } from '../../providers/call-provider';
import { CallProviderRegistry } from '../../providers/call-provider.registry';

/**
 * Dials one attempt, at most once: the attempt row keyed by (contact, attempt) is committed
 * before the provider is asked, so a redelivered or duplicated request finds it and dials nothing.
 * If this process dies between admission and the provider's answer, the attempt stays open and
 * the reaper ends it `timeout` when its lease expires: never a second dial.
 */
@Injectable()
export class PlaceCallUseCase {
  private readonly log: Logger;

  constructor(
    private readonly db: Database,
    private readonly attempts: AttemptsRepository,
    private readonly providers: CallProviderRegistry,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
    private readonly metrics: DialerMetrics,
    @Inject(SERVICE_CONFIG) private readonly env: DialerEnv,
    @Inject(SERVICE_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ component: 'place-call' });
  }

  async execute(request: DialRequest): Promise<void> {
    const log = this.log.child({ batch_id: request.batch_id, contact_id: request.contact_id, attempt_id: request.attempt_id, attempt: request.attempt });
    const admittedAt = this.clock.now();
    const attempt: NewAttempt = {
      attempt_id: request.attempt_id,
      contact_id: request.contact_id,
      attempt: request.attempt,
      batch_id: request.batch_id,
      org_id: request.org_id,
      provider: request.provider,
      requested_at: new Date(request.requested_at),
      lease_expires_at: new Date(admittedAt.getTime() + (request.timeout_seconds + this.env.DIALER_LEASE_GRACE_SECONDS) * 1000),
      timeout_seconds: request.timeout_seconds,
    };

    const provider = this.providers.get(request.provider);
    if (!provider) {
      // Admitted and ended in one transaction: nothing to dial with.
      const ended = await this.db.tx(async (client) => {
        const row = await this.attempts.insertIfAbsent(client, attempt, { outcome: 'failed', ended_at: admittedAt, duration_seconds: 0, failure_reason: PROVIDER_NOT_AVAILABLE });
        if (row) await this.outbox.enqueue(client, [callFinishedEvent(row)]);
        return row;
      });
      if (!ended) return log.info('reconciled, not dialing');
      this.outbox.kick();
      this.metrics.callsFinished.inc({ outcome: 'failed' });
      log.warn({ provider: request.provider }, 'provider not available; attempt failed');
      return;
    }

    const admitted = await this.db.tx((client) => this.attempts.insertIfAbsent(client, attempt));
    if (!admitted) return log.info('reconciled, not dialing');

    const startedAt = this.clock.now();
    let providerCallId: string;
    try {
      ({ provider_call_id: providerCallId } = await provider.placeCall({
        attempt_id: request.attempt_id,
        batch_id: request.batch_id,
        contact_id: request.contact_id,
        attempt: request.attempt,
        org_id: request.org_id,
        agent_id: request.agent_id,
        from: request.from_number,
        to: request.phone,
        variables: request.variables,
      }));
    } catch (error) {
      await this.failAttempt(request.attempt_id, error, log);
      return;
    }
    this.metrics.dialLatency.observe(Math.max(0, this.clock.nowMs() - attempt.requested_at.getTime()) / 1000);

    await this.db.tx(async (client) => {
      const row = await this.attempts.recordDialing(client, request.attempt_id, providerCallId, startedAt);
      // The row was just admitted; only a manual delete could make it vanish.
      if (row) await this.outbox.enqueue(client, [callStartedEvent(row)]);
    });
    this.outbox.kick();
    this.metrics.callsStarted.inc({ provider: provider.name });
    log.info({ provider: provider.name, provider_call_id: providerCallId }, 'call started');
  }

  /** The provider refused (or could not be reached): the attempt ends now; it is never dialed again. */
  private async failAttempt(attemptId: string, error: unknown, log: Logger): Promise<void> {
    const outcome = error instanceof CallProviderError ? error.outcome : 'failed';
    const reason = error instanceof Error ? error.message : String(error);
    const ended = await this.db.tx(async (client) => {
      const row = await this.attempts.end(client, attemptId, { outcome, ended_at: this.clock.now(), duration_seconds: 0, failure_reason: reason });
      if (row) await this.outbox.enqueue(client, [callFinishedEvent(row)]);
      return row;
    });
    if (!ended) return;
    this.outbox.kick();
    this.metrics.callsFinished.inc({ outcome });
    log.warn({ err: error, outcome }, 'provider did not place the call; attempt ended');
  }
}
