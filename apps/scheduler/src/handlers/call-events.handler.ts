import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { CallDeclinedEvent, CallFinishedEvent, CallStartedEvent, Subjects } from '@outdial/contracts';
import { JetStreamEvent, MessageGrouper, MessageGrouperOptions } from '@outdial/service-runtime';

import { MarkCallStartedUseCase } from '../usecases/mark-call-started/mark-call-started.usecase';
import { RecordCallOutcomeUseCase } from '../usecases/record-call-outcome/record-call-outcome.usecase';
import { ReturnDeclinedContactUseCase } from '../usecases/return-declined-contact/return-declined-contact.usecase';
import { ReleaseLoop } from './release-loop';

/**
 * How call events are grouped (issue 16): up to 200 a transaction, the first waiting at most 5 ms.
 * The consumers take up to 256 messages at once so that a group can fill while the previous one is
 * applied, one group at a time; each message is still settled on its own once its group committed
 * (MessageGrouper, @outdial/service-runtime). A group that fails as a whole rejects every message
 * of it (each is redelivered).
 */
const GROUPING: Omit<MessageGrouperOptions, 'keyOf'> = {
  maxItems: 200,
  lingerMs: 5,
  maxInFlight: 1,
  onGroupError: 'reject_all',
};
const GROUPED_CONCURRENCY = 256;

/** The dialer's call events: started, finished, declined. A freed slot kicks the release loop at once. */
@Controller()
export class SchedulerCallEventsHandler {
  private readonly started: MessageGrouper<CallStartedEvent>;
  private readonly finished: MessageGrouper<CallFinishedEvent>;

  constructor(
    markCallStarted: MarkCallStartedUseCase,
    recordCallOutcome: RecordCallOutcomeUseCase,
    private readonly returnDeclined: ReturnDeclinedContactUseCase,
    private readonly releaseLoop: ReleaseLoop,
  ) {
    this.started = new MessageGrouper(async (events) => (await markCallStarted.execute({ events })).errors, GROUPING);
    this.finished = new MessageGrouper(async (results) => {
      const settled = await recordCallOutcome.execute({ results });
      this.releaseLoop.kick();
      return settled.map((s) => (s.kind === 'error' ? s.error : undefined));
    }, GROUPING);
  }

  @JetStreamEvent(Subjects.callStarted, { concurrency: GROUPED_CONCURRENCY })
  async onCallStarted(@Payload() event: CallStartedEvent): Promise<void> {
    await this.started.submit(event);
  }

  @JetStreamEvent(Subjects.callFinished, { concurrency: GROUPED_CONCURRENCY, maxDeliver: 50 })
  async onCallFinished(@Payload() event: CallFinishedEvent): Promise<void> {
    await this.finished.submit(event);
  }

  @JetStreamEvent(Subjects.callDeclined, { concurrency: 8, maxDeliver: 50 })
  async onCallDeclined(@Payload() event: CallDeclinedEvent): Promise<void> {
    await this.returnDeclined.execute(event);
    this.releaseLoop.kick();
  }
}
