import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Logger, Metrics, SERVICE_LOGGER } from '@outdial/service-runtime';
import { Gauge } from 'prom-client';

import { CountStalledBatchesUseCase } from '../usecases/count-stalled-batches/count-stalled-batches.usecase';

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

  constructor(countStalled: CountStalledBatchesUseCase, metrics: Metrics, @Inject(SERVICE_LOGGER) logger: Logger) {
    const isStopped = () => this.stopped;
    this.gauge = new Gauge({
      name: 'outdial_batches_stalled',
      help: `Running batches with waiting contacts and no call started in the last ${STALLED_AFTER_SECONDS} s (every replica reports the same value: aggregate with max)`,
      registers: [metrics.registry],
      async collect() {
        if (isStopped()) return;
        try {
          this.set(await countStalled.execute({ idleSeconds: STALLED_AFTER_SECONDS }));
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
