import { Inject, Injectable } from '@nestjs/common';
import { Clock, Database, Logger, Outbox, SERVICE_LOGGER } from '@outdial/service-runtime';

import { DialerMetrics } from '../../dialer-metrics';
import { callFinishedEvent } from '../../domain/attempt-events';
import { AttemptRecord } from '../../domain/attempt-record';
import { AttemptsRepository } from '../../persistence/attempts.repository';

const SETTLE_BATCH = 100;

/**
 * Row H5 of the late-event table (domain/attempt-transitions.ts): an answered call whose AMD
 * verdict did not come within DIALER_AMD_VERDICT_WAIT_SECONDS is reported as it ended
 * (`completed`). SKIP LOCKED lets every replica run it; a verdict that arrives at the same moment
 * holds the row lock and wins, or finds the report released and is too late (row F1).
 */
@Injectable()
export class SettleHeldReportsUseCase {
  private readonly log: Logger;

  constructor(
    private readonly db: Database,
    private readonly attempts: AttemptsRepository,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
    private readonly metrics: DialerMetrics,
    @Inject(SERVICE_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ component: 'settle-held-reports' });
  }

  /** Releases every held report whose wait is over; returns how many. */
  async execute(): Promise<number> {
    let total = 0;
    for (;;) {
      const settled = await this.settleBatch();
      total += settled.length;
      for (const row of settled) {
        this.metrics.callsFinished.inc({ outcome: row.outcome! });
        this.metrics.reportsSettled.inc({ by: 'wait', revised: 'false' });
        this.log.debug(
          { batch_id: row.batch_id, contact_id: row.contact_id, attempt_id: row.attempt_id, outcome: row.outcome },
          'no AMD verdict within the wait; outcome reported as it ended',
        );
      }
      if (settled.length > 0) this.outbox.kick();
      if (settled.length < SETTLE_BATCH) return total;
    }
  }

  private settleBatch(): Promise<AttemptRecord[]> {
    return this.db.tx(async (client) => {
      const due = await this.attempts.claimHeldDue(client, this.clock.now(), SETTLE_BATCH);
      const settled: AttemptRecord[] = [];
      for (const row of due) {
        const done = await this.attempts.settleHeld(client, row.attempt_id, row.outcome!);
        if (done) settled.push(done);
      }
      await this.outbox.enqueue(
        client,
        settled.map((row) => callFinishedEvent(row)),
      );
      return settled;
    });
  }
}
