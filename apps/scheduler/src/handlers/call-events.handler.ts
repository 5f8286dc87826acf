import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { CallDeclinedEvent, CallFinishedEvent, CallStartedEvent, Subjects } from '@outdial/contracts';
import { JetStreamEvent } from '@outdial/service-runtime';

import { MarkCallStartedUseCase } from '../usecases/mark-call-started/mark-call-started.usecase';
import { RecordCallOutcomeUseCase } from '../usecases/record-call-outcome/record-call-outcome.usecase';
import { ReturnDeclinedContactUseCase } from '../usecases/return-declined-contact/return-declined-contact.usecase';
import { ReleaseLoop } from './release-loop';

/** The dialer's call events: started, finished, declined. A freed slot kicks the release loop at once. */
@Controller()
export class SchedulerCallEventsHandler {
  constructor(
    private readonly markCallStarted: MarkCallStartedUseCase,
    private readonly recordCallOutcome: RecordCallOutcomeUseCase,
    private readonly returnDeclined: ReturnDeclinedContactUseCase,
    private readonly releaseLoop: ReleaseLoop,
  ) {}

  @JetStreamEvent(Subjects.callStarted, { concurrency: 16 })
  async onCallStarted(@Payload() event: CallStartedEvent): Promise<void> {
    await this.markCallStarted.execute(event);
  }

  @JetStreamEvent(Subjects.callFinished, { concurrency: 16, maxDeliver: 50 })
  async onCallFinished(@Payload() event: CallFinishedEvent): Promise<void> {
    await this.recordCallOutcome.execute(event);
    this.releaseLoop.kick();
  }

  @JetStreamEvent(Subjects.callDeclined, { concurrency: 8, maxDeliver: 50 })
  async onCallDeclined(@Payload() event: CallDeclinedEvent): Promise<void> {
    await this.returnDeclined.execute(event);
    this.releaseLoop.kick();
  }
}
