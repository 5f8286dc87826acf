import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { CallDeclinedEvent, CallFinishedEvent, CallStartedEvent, Subjects } from '@outdial/contracts';
import { JetStreamEvent } from '@outdial/service-runtime';

import { EventGroupQueue, GROUPED_CONSUMER_CONCURRENCY } from './event-group-queue';

/**
 * The dialer's call events into the read model (CALL stream). Handlers only translate; settlement
 * as in BatchEventsHandler. Starts and finishes go through the EventGroupQueue (many per
 * transaction, each settled on its own).
 */
@Controller()
export class CallEventsHandler {
  constructor(private readonly groups: EventGroupQueue) {}

  @JetStreamEvent(Subjects.callStarted, { concurrency: GROUPED_CONSUMER_CONCURRENCY })
  onCallStarted(@Payload() event: CallStartedEvent): Promise<void> {
    return this.groups.submit({ kind: 'call_started', event });
  }

  @JetStreamEvent(Subjects.callFinished, { concurrency: GROUPED_CONSUMER_CONCURRENCY })
  onCallFinished(@Payload() event: CallFinishedEvent): Promise<void> {
    return this.groups.submit({ kind: 'call_finished', event });
  }

  /**
   * The dialer refused a released contact before dialing: nothing to record (no attempt, no counter
   * moves; the scheduler puts the contact back with a contact update, which the read model follows,
   * and the dialer counts declines in `outdial_dial_declined_total`), so there is no use case.
   *
   * The subscription stays on purpose: it keeps the durable `reporting-v1_call_declined` consumed.
   * Deployments already have that durable on the CALL stream (limits retention, 30 days); without
   * a consumer its backlog would grow by every declined call, show in `outdial_queue_pending` and
   * trip the QueueBacklog alert (ops/prometheus/alerts.yml, > 5000), and removing it would need a
   * consumer deletion at start-up that the runtime does not offer.
   */
  @JetStreamEvent(Subjects.callDeclined)
  onCallDeclined(@Payload() _event: CallDeclinedEvent): void {
    /* acknowledged: nothing to record */
  }
}
