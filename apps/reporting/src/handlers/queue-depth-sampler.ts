import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { STREAMS } from '@outdial/contracts';
import { Logger, NatsBus, SERVICE_LOGGER } from '@outdial/service-runtime';
import { ReportingMetrics } from '../reporting-metrics';

const SAMPLE_MS = 5_000;

/**
 * Queue depths for the dashboard (SPEC §10): every JetStream consumer's backlog (not yet delivered)
 * and in-flight (delivered, unacknowledged) messages, sampled from consumer info every 5 s into
 * `outdial_queue_pending` / `outdial_queue_ack_pending`. A failed sample is logged at debug.
 */
@Injectable()
export class QueueDepthSampler implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly bus: NatsBus,
    private readonly metrics: ReportingMetrics,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    // Nest runs this hook once for the app and once for the microservice: one timer.
    if (this.timer) return;
    this.timer = setInterval(() => void this.sample(), SAMPLE_MS);
    this.timer.unref();
  }

  private async sample(): Promise<void> {
    try {
      for (const definition of STREAMS) {
        const stream = this.bus.streamName(definition);
        for await (const consumer of this.bus.jsm.consumers.list(stream)) {
          this.metrics.queuePending.set({ stream: definition.name, consumer: consumer.name }, consumer.num_pending);
          this.metrics.queueAckPending.set({ stream: definition.name, consumer: consumer.name }, consumer.num_ack_pending);
        }
      }
    } catch (error) {
      this.logger.debug({ err: error }, 'queue depth sample failed');
    }
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }
}
