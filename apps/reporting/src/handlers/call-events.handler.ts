import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { CallDeclinedEvent, CallFinishedEvent, CallStartedEvent, Subjects } from '@outdial/contracts';
import { JetStreamEvent } from '@outdial/service-runtime';

import { RecordCallFinishedUseCase } from '../usecases/record-call-finished/record-call-finished.usecase';
import { RecordCallStartedUseCase } from '../usecases/record-call-started/record-call-started.usecase';

/**
 * The dialer's call events into the read model (CALL stream). Handlers only translate; settlement
 * as in BatchEventsHandler.
 */
@Controller()
export class CallEventsHandler {
  constructor(
    private readonly callStarted: RecordCallStartedUseCase,
    private readonly callFinished: RecordCallFinishedUseCase,
  ) {}

  @JetStreamEvent(Subjects.callStarted)
  onCallStarted(@Payload() event: CallStartedEvent): Promise<void> {
    return this.callStarted.execute(event);
  }

  @JetStreamEvent(Subjects.callFinished)
  onCallFinished(@Payload() event: CallFinishedEvent): Promise<void> {
    return this.callFinished.execute(event);
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
