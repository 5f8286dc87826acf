import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Database, Logger, Metrics, SERVICE_LOGGER } from '@outdial/service-runtime';
import { Gauge } from 'prom-client';
import { countStalledBatches } from '../persistence/stalled-batches';
import { reportingTables } from '../persistence/reporting-tables';

/** A running batch with waiting contacts and no call started for this long counts as stalled. */
export const STALLED_AFTER_SECONDS = 600;

/**
 * `outdial_batches_stalled`: running batches with contacts waiting and no call started in the last
 * 10 minutes (the "stuck batch" alert in ops/prometheus/alerts.yml). Computed from the read model
 * when Prometheus scrapes, so every reporting replica reports the same value (aggregate with max).
 */
@Injectable()
export class StalledBatchesSampler implements OnApplicationShutdown {
  private readonly gauge: Gauge;
  private stopped = false;

  constructor(db: Database, metrics: Metrics, @Inject(SERVICE_LOGGER) logger: Logger) {
    const tables = reportingTables(db);
    const sampler = this;
    this.gauge = new Gauge({
      name: 'outdial_batches_stalled',
      help: `Running batches with waiting contacts and no call started in the last ${STALLED_AFTER_SECONDS} s (every replica reports the same value: aggregate with max)`,
      registers: [metrics.registry],
      async collect() {
        if (sampler.stopped) return;
        try {
          this.set(await countStalledBatches(db.pool, tables, STALLED_AFTER_SECONDS));
        } catch (error) {
          logger.debug({ reason: (error as Error).message }, 'stalled batches not sampled');
        }
      },
    });
  }

  onApplicationShutdown(): void {
    this.stopped = true;
  }
}
