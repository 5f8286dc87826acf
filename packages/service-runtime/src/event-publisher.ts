import { NatsBus } from './nats-bus';

/** Publishes JetStream events with msgID = the event id, so the server drops duplicates. */
export class EventPublisher {
  constructor(private readonly bus: NatsBus) {}

  async publish(subject: string, payload: object, msgId: string): Promise<void> {
    await this.bus.js.publish(this.bus.subject(subject), JSON.stringify(payload), { msgID: msgId, timeout: 10_000 });
  }
}
