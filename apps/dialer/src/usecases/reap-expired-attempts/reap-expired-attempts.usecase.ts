import { Inject, Injectable } from '@nestjs/common';
import { Clock, Database, Logger, Outbox, SERVICE_LOGGER } from '@outdial/service-runtime';

import { DialerMetrics } from '../../dialer-metrics';
import { callFinishedEvent, talkSeconds } from '../../domain/attempt-events';
import { AttemptRecord } from '../../domain/attempt-record';
import { AttemptsRepository } from '../../persistence/attempts.repository';
import { BatchStatesRepository } from '../../persistence/batch-states.repository';

export const TIMEOUT_REASON = 'no result within the call timeout';
const REAP_BATCH = 100;

/**
 * Ends the attempts whose result never arrived within their call timeout (+ grace): outcome
 * `timeout`, call-finished enqueued in the same transaction; each gives its slots back (the
 * `open_slots` triggers). One replica reaps at a time (a transaction advisory lock: the others skip
 * the tick), SKIP LOCKED skips attempts a provider event is ending right now; a provider event
 * arriving later changes nothing.
 */
@Injectable()
export class ReapExpiredAttemptsUseCase {
  private readonly log: Logger;

  constructor(
    private readonly db: Database,
    private readonly attempts: AttemptsRepository,
    private readonly batches: BatchStatesRepository,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
    private readonly metrics: DialerMetrics,
    @Inject(SERVICE_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ component: 'reaper' });
  }

  /** Reaps everything expired now; returns how many attempts it ended. */
  async execute(): Promise<number> {
    let total = 0;
    for (;;) {
      const reaped = await this.reapBatch();
      total += reaped.length;
      for (const row of reaped) {
        this.metrics.callsFinished.inc({ outcome: 'timeout' });
        this.log.warn(
          { batch_id: row.batch_id, contact_id: row.contact_id, attempt_id: row.attempt_id, status_was: row.status },
          'attempt timed out',
        );
      }
      if (reaped.length > 0) this.outbox.kick();
      if (reaped.length < REAP_BATCH) break;
    }
    // Calls of deleted batches that were still open at deletion: their attempts go once ended; then
    // the batch's slot counters, once no attempt of it is left.
    await this.db.tx(async (client) => {
      await this.batches.purgeEndedAttemptsOfDeletedBatches(client, this.attempts.tableName);
      await this.attempts.purgeSlotCountersOfDeletedBatches(client, this.batches.deletedTableName);
    });
    return total;
  }

  private reapBatch(): Promise<AttemptRecord[]> {
    return this.db.tx(async (client) => {
      // One bulk ender at a time (AttemptsRepository docstring): another replica reaping now finishes the job.
      if (!(await this.attempts.tryLockReaping(client))) return [];
      const now = this.clock.now();
      const expired = await this.attempts.claimExpired(client, now, REAP_BATCH);
      const ended: AttemptRecord[] = [];
      for (const row of expired) {
        const done = await this.attempts.end(client, row.attempt_id, {
          outcome: 'timeout',
          ended_at: now,
          duration_seconds: talkSeconds(row.answered_at, now),
          failure_reason: TIMEOUT_REASON,
        });
        // Report the status the attempt had, for the log line.
        if (done) ended.push({ ...done, status: row.status });
      }
      await this.outbox.enqueue(
        client,
        ended.map((row) => callFinishedEvent({ ...row, status: 'ended' })),
      );
      return ended;
    });
  }
}
