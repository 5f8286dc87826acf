import { Inject, Injectable } from '@nestjs/common';
import { ProviderCallEvent } from '@outdial/contracts';
import {
  Clock,
  Database,
  Logger,
  Outbox,
  SERVICE_CONFIG,
  SERVICE_LOGGER,
  TransientError,
} from '@outdial/service-runtime';

import { CallProviderRegistry } from '../../adapters/providers/call-provider.registry';
import { DialerEnv } from '../../dialer-env';
import { DialerMetrics } from '../../dialer-metrics';
import { callFinishedEvent, talkSeconds } from '../../domain/attempt-events';
import { AttemptRecord } from '../../domain/attempt-record';
import {
  decideProviderEvent,
  reportHeldUntil,
  shouldAwaitDialRecord,
  shouldHangUpOnVerdict,
} from '../../domain/attempt-transitions';
import { AttemptsRepository } from '../../persistence/attempts.repository';
import { ApplyProviderEventCommand } from './apply-provider-event.command';

/** Redelivery delay while the dialer that placed the call records the dial. */
export const AWAIT_DIAL_RECORD_MS = 25;
/** Redelivery delay for an event about an attempt this dialer does not know (yet). */
const UNKNOWN_ATTEMPT_RETRY_MS = 2000;

/** Guarded writes missed this many times in a row (a storm of events for one attempt): redelivered later. */
const MAX_RACES = 5;

type Applied =
  | { outcome: 'ignored' }
  | { outcome: 'applied'; hangUp: boolean; log: Logger }
  | { outcome: 'settled'; row: AttemptRecord; log: Logger; revised: boolean }
  | { outcome: 'held' | 'ended'; row: AttemptRecord; log: Logger };

/** applied: moved on or verdict kept; ended: reported; held: ended, report held for the AMD verdict; settled: a held report released. */
export type ApplyResult = 'applied' | 'ended' | 'held' | 'settled' | 'ignored';

/**
 * Applies one provider status event to its attempt. Any replica can do it. The attempt is read
 * without a lock and written with a guard on the state the decision was made on (a miss means a
 * concurrent event moved it: read and decide again), so events of one attempt take effect one at a
 * time as under a row lock, at one round trip for ringing / answered / verdicts. What each event does, late ones included, is the table of `decideProviderEvent`
 * (domain/attempt-transitions.ts): repeated, stale and too-late events change nothing and are
 * acknowledged (debug log + `outdial_provider_events_ignored_total`); an `ended` event ends the
 * attempt and enqueues call-finished in the same transaction, unless the call's AMD verdict is
 * still owed, in which case call-finished waits for the verdict (or DIALER_AMD_VERDICT_WAIT_SECONDS,
 * see SettleHeldReportsUseCase).
 */
@Injectable()
export class ApplyProviderEventUseCase {
  private readonly log: Logger;

  constructor(
    private readonly db: Database,
    private readonly attempts: AttemptsRepository,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
    private readonly metrics: DialerMetrics,
    private readonly providers: CallProviderRegistry,
    @Inject(SERVICE_CONFIG) private readonly env: DialerEnv,
    @Inject(SERVICE_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ component: 'apply-provider-event' });
  }

  /** Throws TransientError while the attempt is unknown or not recorded as dialing yet (the handler naks with its delay). */
  async execute({ event, deliveryCount }: ApplyProviderEventCommand): Promise<ApplyResult> {
    // Read without a lock, decide, write guarded by what was read (issue 16: no SELECT ... FOR UPDATE
    // transaction per event; ringing/answered/verdicts are one autocommit UPDATE, ignored events no
    // write at all). A concurrent event of the same attempt makes the guarded write miss: decide again.
    for (let attempt = 1; ; attempt++) {
      const result = await this.tryApply(event, deliveryCount);
      if (result !== 'raced') return this.finish(event, result);
      if (attempt >= MAX_RACES) {
        throw new TransientError(`attempt ${event.attempt_id} changed under ${attempt} tries`, AWAIT_DIAL_RECORD_MS);
      }
    }
  }

  private async tryApply(event: ProviderCallEvent, deliveryCount: number): Promise<Applied | 'raced'> {
    const pool = this.db.pool;
    // Some platform webhooks name only their own call id (e.g. ElevenLabs' initiation failures).
    const row = event.attempt_id
      ? await this.attempts.get(pool, event.attempt_id)
      : await this.attempts.getByProviderCall(pool, event.provider, event.provider_call_id);
    if (!row)
      throw new TransientError(
        `attempt ${event.attempt_id || `of ${event.provider} call ${event.provider_call_id}`} is not known (yet)`,
        UNKNOWN_ATTEMPT_RETRY_MS,
      );
    const log = this.log.child({
      batch_id: row.batch_id,
      contact_id: row.contact_id,
      attempt_id: row.attempt_id,
      event_id: event.event_id,
      kind: event.kind,
    });
    if (!this.concernsThisCall(row, event, log)) return { outcome: 'ignored' };
    if (shouldAwaitDialRecord(row.status, deliveryCount)) {
      throw new TransientError(`attempt ${row.attempt_id} is not recorded as dialing yet`, AWAIT_DIAL_RECORD_MS);
    }
    const decision = decideProviderEvent(
      {
        status: row.status,
        outcome: row.outcome,
        answered_by: row.answered_by,
        report_held: row.report_held_until !== null,
      },
      event,
    );
    const expected = { status: row.status, answered_by: row.answered_by };
    switch (decision.kind) {
      case 'ignore':
        this.metrics.providerEventsIgnored.inc({ kind: event.kind, reason: decision.reason });
        log.debug(
          { status: row.status, outcome: row.outcome, answered_by: event.answered_by, reason: decision.reason },
          'provider event changes nothing',
        );
        return { outcome: 'ignored' };
      case 'advance': {
        const moved = await this.attempts.advance(
          pool,
          row.attempt_id,
          decision.to,
          {
            provider_call_id: event.provider_call_id,
            answered_at: event.kind === 'answered' ? new Date(event.at) : undefined,
            answered_by: event.answered_by,
          },
          expected,
        );
        if (!moved) return 'raced';
        return { outcome: 'applied', hangUp: shouldHangUpOnVerdict(row, event, decision), log };
      }
      case 'record_verdict': {
        const kept = await this.attempts.recordVerdict(
          pool,
          row.attempt_id,
          event.answered_by!,
          event.provider_call_id,
        );
        if (!kept) return 'raced';
        log.debug(
          { answered_by: event.answered_by, machine_detection_ms: event.machine_detection_ms },
          'AMD verdict kept for the end of the call',
        );
        return { outcome: 'applied', hangUp: shouldHangUpOnVerdict(row, event, decision), log };
      }
      case 'settle':
        return this.db.tx(async (client) => {
          const settled = await this.attempts.settleHeld(client, row.attempt_id, decision.outcome, event.answered_by);
          if (!settled) return 'raced' as const;
          await this.outbox.enqueue(client, [callFinishedEvent(settled)]);
          return { outcome: 'settled' as const, row: settled, log, revised: decision.outcome !== row.outcome };
        });
      case 'end': {
        const endedAt = new Date(event.at);
        return this.db.tx(async (client) => {
          const ended = await this.attempts.end(
            client,
            row.attempt_id,
            {
              outcome: decision.outcome,
              ended_at: endedAt,
              duration_seconds: event.duration_seconds ?? talkSeconds(row.answered_at, endedAt),
              failure_reason:
                event.failure_reason ?? (event.outcome ? undefined : 'provider reported an end without an outcome'),
              provider_call_id: event.provider_call_id,
              recording_url: event.recording_url,
              transcript: event.transcript,
              answered_by: event.answered_by,
              cost: event.cost,
              // Measured from now, not from the provider's timestamp: the wait is for delivery.
              report_held_until: decision.hold
                ? reportHeldUntil(this.clock.nowMs(), this.env.DIALER_AMD_VERDICT_WAIT_SECONDS, row.lease_expires_at)
                : undefined,
            },
            expected,
          );
          if (!ended) return 'raced' as const;
          if (!decision.hold) await this.outbox.enqueue(client, [callFinishedEvent(ended)]);
          return { outcome: decision.hold ? ('held' as const) : ('ended' as const), row: ended, log };
        });
      }
    }
  }

  private async finish(event: ProviderCallEvent, result: Applied): Promise<ApplyResult> {
    if (result.outcome === 'applied' && result.hangUp) await this.hangUp(event, result.log);
    if (result.outcome === 'ignored' || result.outcome === 'applied') return result.outcome;
    const row = result.row;
    if (result.outcome === 'held') {
      this.metrics.reportsHeld.inc();
      result.log.debug(
        { duration_seconds: row.duration_seconds, held_until: row.report_held_until },
        'call ended; outcome held for its AMD verdict',
      );
      return 'held';
    }
    this.outbox.kick();
    this.metrics.callsFinished.inc({ outcome: row.outcome! });
    if (result.outcome === 'settled') {
      this.metrics.reportsSettled.inc({ by: 'verdict', revised: String(result.revised) });
      result.log.info(
        { outcome: row.outcome, answered_by: row.answered_by, duration_seconds: row.duration_seconds },
        'call finished (outcome settled by its AMD verdict)',
      );
      return 'settled';
    }
    result.log.info({ outcome: row.outcome, duration_seconds: row.duration_seconds }, 'call finished');
    return 'ended';
  }

  /**
   * The agent asked to hang up on machines (`hangup_on_machine`) and one answered: end the call at
   * the provider, after the verdict is committed. The call's own `completed` callback then ends the
   * attempt `voicemail` (row O5). A refusal leaves the call to end by itself, with the same
   * outcome: counted, at debug when the call had already ended (Twilio 21220), else warn.
   */
  private async hangUp(event: ProviderCallEvent, log: Logger): Promise<void> {
    const provider = this.providers.get(event.provider);
    if (!provider?.hangUp) return;
    try {
      await provider.hangUp(event.provider_call_id);
      this.metrics.machineHangups.inc({ result: 'done' });
      log.debug({ answered_by: event.answered_by }, 'hung up on a machine');
    } catch (error) {
      this.metrics.machineHangups.inc({ result: 'refused' });
      const ended = error instanceof Error && /\(21220\)/.test(error.message);
      log[ended ? 'debug' : 'warn'](
        { err: error, answered_by: event.answered_by },
        'could not hang up on a machine; the call ends by itself',
      );
    }
  }

  /** An event for another provider's call of this attempt id is someone else's; it must not end ours. */
  private concernsThisCall(row: AttemptRecord, event: ProviderCallEvent, log: Logger): boolean {
    const mismatch =
      row.provider !== event.provider ||
      (row.provider_call_id !== null && row.provider_call_id !== event.provider_call_id);
    if (mismatch) {
      log.warn(
        {
          provider: event.provider,
          provider_call_id: event.provider_call_id,
          expected_provider: row.provider,
          expected_call_id: row.provider_call_id,
        },
        'provider event for another call; ignored',
      );
    }
    return !mismatch;
  }
}
