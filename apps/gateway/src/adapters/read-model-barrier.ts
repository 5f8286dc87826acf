import { Inject, Injectable } from '@nestjs/common';
import { AwaitReadModelQuery, MAX_READ_MODEL_WAIT_MS, Subjects } from '@outdial/contracts';
import { Logger, Metrics, RpcClient, SERVICE_CONFIG, SERVICE_LOGGER } from '@outdial/service-runtime';
import { Counter } from 'prom-client';

import { GatewayEnv } from '../gateway-env';

/** What a write waits for before the API acknowledges it (one of them). */
export type ReadModelCondition = { status_at: string } | { deleted: true } | { exists: true } | { all_contacts: true };

/**
 * Read-your-writes for every batch write (create, pause, resume, cancel, reschedule, delete,
 * redial): the API answers once reporting's read model (what every read is served from, through
 * any gateway) shows the write, so the next read never contradicts the 2xx. Bounded by
 * GATEWAY_READ_YOUR_WRITES_MS: past it the write stands and is answered anyway (the read model is
 * behind; counted in `outdial_read_your_writes_total{result="late"}` and logged at debug). A
 * reporting outage does not fail a write that already happened.
 */
@Injectable()
export class ReadModelBarrier {
  private readonly outcomes: Counter<'result'>;

  constructor(
    private readonly rpc: RpcClient,
    @Inject(SERVICE_CONFIG) private readonly config: GatewayEnv,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
    metrics: Metrics,
  ) {
    this.outcomes = new Counter({
      name: 'outdial_read_your_writes_total',
      help: 'Writes answered once the read model showed them (applied), after the bound (late) or with reporting unreachable (unavailable)',
      labelNames: ['result'],
      registers: [metrics.registry],
    });
    for (const result of ['applied', 'late', 'unavailable']) this.outcomes.inc({ result }, 0);
  }

  /** Waits (bounded by GATEWAY_READ_YOUR_WRITES_MS) until the read model shows `condition` for the batch; never throws. */
  async wait(orgId: string, batchId: string, condition: ReadModelCondition): Promise<void> {
    const timeoutMs = Math.min(MAX_READ_MODEL_WAIT_MS, this.config.GATEWAY_READ_YOUR_WRITES_MS);
    if (timeoutMs === 0) return;
    const query: AwaitReadModelQuery = { org_id: orgId, batch_id: batchId, timeout_ms: timeoutMs, ...condition };
    try {
      const result = await this.rpc.request(Subjects.reportingAwaitReadModel, query, timeoutMs + 2000);
      this.outcomes.inc({ result: result.applied ? 'applied' : 'late' });
      if (!result.applied)
        this.logger.debug(
          { batch_id: batchId, condition, waited_ms: result.waited_ms },
          'read model behind a write after the bound',
        );
    } catch (error) {
      this.outcomes.inc({ result: 'unavailable' });
      this.logger.debug({ batch_id: batchId, reason: (error as Error).message }, 'read model not asked about a write');
    }
  }
}
