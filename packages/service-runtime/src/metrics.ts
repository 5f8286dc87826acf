import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** A service's Prometheus registry; services add their own metrics to it. */
export class Metrics {
  readonly registry = new Registry();
  readonly messagesHandled: Counter<'subject' | 'settlement'>;
  readonly messagesDropped: Counter<'subject' | 'reason'>;
  readonly handlerSeconds: Histogram<'subject'>;
  readonly rpcHandled: Counter<'subject' | 'result'>;
  readonly outboxPending: Gauge;

  constructor(service: string, replica: string) {
    this.registry.setDefaultLabels({ service, replica });
    collectDefaultMetrics({ register: this.registry, prefix: 'outdial_' });
    this.messagesHandled = new Counter({
      name: 'outdial_messages_handled_total',
      help: 'JetStream messages handled, by subject and settlement (ack, nak, term)',
      labelNames: ['subject', 'settlement'],
      registers: [this.registry],
    });
    this.messagesDropped = new Counter({
      name: 'outdial_messages_dropped_total',
      help: "JetStream messages acked unparsed because a consumer gate said they can never apply (e.g. a deleted batch's contacts chunk), by subject and reason",
      labelNames: ['subject', 'reason'],
      registers: [this.registry],
    });
    this.handlerSeconds = new Histogram({
      name: 'outdial_message_handler_seconds',
      help: 'Time spent in JetStream message handlers',
      labelNames: ['subject'],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
      registers: [this.registry],
    });
    this.rpcHandled = new Counter({
      name: 'outdial_rpc_handled_total',
      help: 'Request/reply calls served, by subject and result',
      labelNames: ['subject', 'result'],
      registers: [this.registry],
    });
    this.outboxPending = new Gauge({
      name: 'outdial_outbox_pending',
      help: 'Events committed but not yet published',
      registers: [this.registry],
    });
  }
}
