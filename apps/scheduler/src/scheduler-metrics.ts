import { Injectable } from '@nestjs/common';
import { Metrics } from '@outdial/service-runtime';
import { Counter } from 'prom-client';

/** The scheduler's own metrics, on the runtime's registry (served at /metrics). */
@Injectable()
export class SchedulerMetrics {
  /** `outdial_scheduler_release_shortfalls_total`: a batch released fewer contacts than its pass surveyed. */
  readonly releaseShortfalls: Counter;

  constructor(metrics: Metrics) {
    this.releaseShortfalls = new Counter({
      name: 'outdial_scheduler_release_shortfalls_total',
      help: 'Times a batch released fewer contacts than the pass surveyed (another replica took them, or the window closed in between); the rest went to the next batch',
      registers: [metrics.registry],
    });
  }
}
