import { Inject, Injectable } from '@nestjs/common';
import { ProviderCallEvent } from '@outdial/contracts';
import { Database, Logger, Outbox, SERVICE_LOGGER, TransientError } from '@outdial/service-runtime';
import { callFinishedEvent, talkSeconds } from '../../domain/attempt-events';
import { AttemptRecord } from '../../domain/attempt-record';
import { decideTransition, shouldAwaitDialRecord } from '../../domain/attempt-transitions';
import { DialerMetrics } from '../../dialer-metrics';
import { AttemptsRepository } from '../../persistence/attempts.repository';

/** Redelivery delay while the dialer that placed the call records the dial. */
const AWAIT_DIAL_RECORD_MS = 25;
/** Redelivery delay for an event about an attempt this dialer does not know (yet). */
const UNKNOWN_ATTEMPT_RETRY_MS = 2000;

export type ApplyResult = 'applied' | 'ended' | 'ignored';

/**
 * Applies one provider status event to its attempt, under the attempt's row lock. Any replica can
 * do it. Repeated, late and out-of-order events change nothing and are acknowledged; an `ended`
 * event ends the attempt and enqueues call-finished in the same transaction.
 */
@Injectable()
export class ApplyProviderEventUseCase {
  private readonly log: Logger;

  constructor(
    private readonly db: Database,
    private readonly attempts: AttemptsRepository,
    private readonly outbox: Outbox,
    private readonly metrics: DialerMetrics,
    @Inject(SERVICE_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ component: 'apply-provider-event' });
  }

  async execute(event: ProviderCallEvent, deliveryCount: number): Promise<ApplyResult> {
    const result = await this.db.tx(async (client) => {
      // Some platform webhooks name only their own call id (e.g. ElevenLabs' initiation failures).
      const row = event.attempt_id ? await this.attempts.lock(client, event.attempt_id) : await this.attempts.lockByProviderCall(client, event.provider, event.provider_call_id);
      if (!row) throw new TransientError(`attempt ${event.attempt_id || `of ${event.provider} call ${event.provider_call_id}`} is not known (yet)`, UNKNOWN_ATTEMPT_RETRY_MS);
      const log = this.log.child({ batch_id: row.batch_id, contact_id: row.contact_id, attempt_id: row.attempt_id, event_id: event.event_id, kind: event.kind });
      if (!this.concernsThisCall(row, event, log)) return { outcome: 'ignored' as const };
      if (shouldAwaitDialRecord(row.status, deliveryCount)) {
        throw new TransientError(`attempt ${row.attempt_id} is not recorded as dialing yet`, AWAIT_DIAL_RECORD_MS);
      }
      const decision = decideTransition(row.status, event.kind);
      if (decision.kind === 'ignore') {
        log.debug({ status: row.status, reason: decision.reason }, 'provider event changes nothing');
        return { outcome: 'ignored' as const };
      }
      if (decision.to !== 'ended') {
        await this.attempts.advance(client, row.attempt_id, decision.to, {
          provider_call_id: event.provider_call_id,
          answered_at: event.kind === 'answered' ? new Date(event.at) : undefined,
        });
        return { outcome: 'applied' as const };
      }
      const endedAt = new Date(event.at);
      const ended = await this.attempts.end(client, row.attempt_id, {
        outcome: event.outcome ?? 'failed',
        ended_at: endedAt,
        duration_seconds: event.duration_seconds ?? talkSeconds(row.answered_at, endedAt),
        failure_reason: event.failure_reason ?? (event.outcome ? undefined : 'provider reported an end without an outcome'),
        provider_call_id: event.provider_call_id,
        recording_url: event.recording_url,
        transcript: event.transcript,
        cost: event.cost,
      });
      if (ended) await this.outbox.enqueue(client, [callFinishedEvent(ended)]);
      return { outcome: 'ended' as const, row: ended, log };
    });
    if (result.outcome === 'ended' && result.row) {
      this.outbox.kick();
      this.metrics.callsFinished.inc({ outcome: result.row.outcome! });
      result.log.info({ outcome: result.row.outcome, duration_seconds: result.row.duration_seconds }, 'call finished');
    }
    return result.outcome;
  }

  /** An event for another provider's call of this attempt id is someone else's; it must not end ours. */
  private concernsThisCall(row: AttemptRecord, event: ProviderCallEvent, log: Logger): boolean {
    const mismatch = row.provider !== event.provider || (row.provider_call_id !== null && row.provider_call_id !== event.provider_call_id);
    if (mismatch) {
      log.warn({ provider: event.provider, provider_call_id: event.provider_call_id, expected_provider: row.provider, expected_call_id: row.provider_call_id }, 'provider event for another call; ignored');
    }
    return !mismatch;
  }
}
