import { Injectable } from '@nestjs/common';
import { Metrics } from '@outdial/service-runtime';
import { Counter, Gauge, Histogram } from 'prom-client';

/** The `result` label values of the webhook metrics. */
export const WEBHOOK_RESULTS = ['delivered', 'retry', 'failed'] as const;

/**
 * The reporting service's own metrics (SPEC §10), on the service's registry: webhook deliveries,
 * their latency and history pruning, and the JetStream queue depths sampled for the dashboard.
 * (`outdial_batches_stalled` is computed at scrape time: handlers/stalled-batches-sampler.ts.)
 */
@Injectable()
export class ReportingMetrics {
  readonly deliveries: Counter<'result'>;
  readonly latency: Histogram<'result'>;
  readonly historyPruned: Counter;
  /** Messages not yet delivered to each JetStream consumer. */
  readonly queuePending: Gauge<'stream' | 'consumer'>;
  /** Messages delivered to each JetStream consumer and not yet acknowledged. */
  readonly queueAckPending: Gauge<'stream' | 'consumer'>;

  constructor(metrics: Metrics) {
    this.deliveries = new Counter({
      name: 'outdial_webhook_deliveries_total',
      help: 'Webhook delivery tries, by result (delivered, retry, failed)',
      labelNames: ['result'],
      registers: [metrics.registry],
    });
    this.latency = new Histogram({
      name: 'outdial_webhook_delivery_seconds',
      help: 'Time a webhook receiver took to answer one try',
      labelNames: ['result'],
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 2, 5, 10, 30],
      registers: [metrics.registry],
    });
    this.historyPruned = new Counter({
      name: 'outdial_webhook_history_pruned_total',
      help: 'Finished webhook deliveries (with their tries) deleted after WEBHOOK_HISTORY_RETENTION_DAYS',
      registers: [metrics.registry],
    });
    // Each result is a series from the start (at 0): "no webhook failed" reads as 0, not as no data.
    for (const result of WEBHOOK_RESULTS) {
      this.deliveries.inc({ result }, 0);
      this.latency.zero({ result });
    }
    this.queuePending = new Gauge({
      name: 'outdial_queue_pending',
      help: 'Messages not yet delivered to a JetStream consumer',
      labelNames: ['stream', 'consumer'],
      registers: [metrics.registry],
    });
    this.queueAckPending = new Gauge({
      name: 'outdial_queue_ack_pending',
      help: 'Messages delivered to a JetStream consumer and not yet acknowledged',
      labelNames: ['stream', 'consumer'],
      registers: [metrics.registry],
    });
  }
}
