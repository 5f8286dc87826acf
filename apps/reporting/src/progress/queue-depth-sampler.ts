import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { STREAMS } from '@outdial/contracts';
import { Logger, Metrics, NatsBus, SERVICE_LOGGER } from '@outdial/service-runtime';
import { Gauge } from 'prom-client';

const SAMPLE_MS = 5_000;

/**
 * Queue depths for the dashboard (SPEC §10): every JetStream consumer's backlog (not yet delivered)
 * and in-flight (delivered, unacknowledged) messages, sampled from consumer info every 5 s.
 */
@Injectable()
export class QueueDepthSampler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly pending: Gauge<'stream' | 'consumer'>;
  private readonly ackPending: Gauge<'stream' | 'consumer'>;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly bus: NatsBus,
    metrics: Metrics,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {
    this.pending = new Gauge({ name: 'outdial_queue_pending', help: 'Messages not yet delivered to a JetStream consumer', labelNames: ['stream', 'consumer'], registers: [metrics.registry] });
    this.ackPending = new Gauge({ name: 'outdial_queue_ack_pending', help: 'Messages delivered to a JetStream consumer and not yet acknowledged', labelNames: ['stream', 'consumer'], registers: [metrics.registry] });
  }

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
          this.pending.set({ stream: definition.name, consumer: consumer.name }, consumer.num_pending);
          this.ackPending.set({ stream: definition.name, consumer: consumer.name }, consumer.num_ack_pending);
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
