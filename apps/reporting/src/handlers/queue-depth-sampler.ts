import { Injectable } from '@nestjs/common';
import { BackgroundTasks, NatsBus } from '@outdial/service-runtime';

import { ReportingMetrics } from '../reporting-metrics';

const SAMPLE_MS = 5_000;

/**
 * Queue depths for the dashboard (SPEC §10): every JetStream consumer's backlog (not yet delivered)
 * and in-flight (delivered, unacknowledged) messages, sampled from the runtime's consumer stats
 * every 5 s into `outdial_queue_pending` / `outdial_queue_ack_pending` `{stream, consumer}` (stream
 * without the deployment prefix). A background task: a failed sample is logged by the runtime.
 */
@Injectable()
export class QueueDepthSampler {
  constructor(
    private readonly bus: NatsBus,
    private readonly metrics: ReportingMetrics,
    tasks: BackgroundTasks,
  ) {
    tasks.every('queue-depth-sample', SAMPLE_MS, () => this.sample());
  }

  private async sample(): Promise<void> {
    for (const consumer of await this.bus.consumerStats()) {
      this.metrics.queuePending.set({ stream: consumer.stream_base, consumer: consumer.name }, consumer.num_pending);
      this.metrics.queueAckPending.set(
        { stream: consumer.stream_base, consumer: consumer.name },
        consumer.num_ack_pending,
      );
    }
  }
}
