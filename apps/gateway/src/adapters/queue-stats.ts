import { Injectable } from '@nestjs/common';
import { NatsBus } from '@outdial/service-runtime';

/** One JetStream consumer's backlog. */
export interface QueueInfo {
  stream: string;
  consumer: string;
  /** Messages not yet delivered to the consumer. */
  pending: number;
  /** Delivered, not yet acknowledged. */
  ack_pending: number;
  redelivered: number;
}

/** The platform's queues as JetStream reports them: every durable consumer's backlog, and the dead letters. */
@Injectable()
export class QueueStats {
  constructor(private readonly bus: NatsBus) {}

  /** Every consumer of every provisioned stream (a stream not provisioned yet has no queue). */
  async queues(): Promise<QueueInfo[]> {
    return (await this.bus.consumerStats()).map((consumer) => ({
      stream: consumer.stream,
      consumer: consumer.name,
      pending: consumer.num_pending,
      ack_pending: consumer.num_ack_pending,
      redelivered: consumer.redelivered,
    }));
  }

  /** Messages that could never be applied (platform-wide), per service that gave up on them. */
  deadLetters(): ReturnType<NatsBus['deadLetterCounts']> {
    return this.bus.deadLetterCounts();
  }
}
