import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  BatchIngestedEvent,
  BatchQuery,
  BatchStatusChangedEvent,
  BatchStatusView,
  CallFinishedEvent,
  CallStartedEvent,
  ContactsChunkEvent,
  ContactUpdatedEvent,
  ResultsPage,
  ResultsPageQuery,
  Subjects,
} from '@outdial/contracts';
import { JetStreamEvent, RpcHandler } from '@outdial/service-runtime';
import { GetBatchStatusUseCase } from '../usecases/get-batch-status/get-batch-status.usecase';
import { GetResultsPageUseCase } from '../usecases/get-results-page/get-results-page.usecase';
import { RecordBatchIngestedUseCase } from '../usecases/record-batch-ingested/record-batch-ingested.usecase';
import { RecordBatchStatusUseCase } from '../usecases/record-batch-status/record-batch-status.usecase';
import { RecordCallFinishedUseCase } from '../usecases/record-call-finished/record-call-finished.usecase';
import { RecordCallStartedUseCase } from '../usecases/record-call-started/record-call-started.usecase';
import { RecordContactUpdateUseCase } from '../usecases/record-contact-update/record-contact-update.usecase';
import { RecordContactsChunkUseCase } from '../usecases/record-contacts-chunk/record-contacts-chunk.usecase';

/**
 * The reporting service's messages. Handlers only translate: payloads arrive validated by the
 * transport; a returned promise acks, a TransientError (batch not known yet) redelivers later.
 */
@Controller()
export class ReportingHandlers {
  constructor(
    private readonly batchIngested: RecordBatchIngestedUseCase,
    private readonly contactsChunk: RecordContactsChunkUseCase,
    private readonly contactUpdate: RecordContactUpdateUseCase,
    private readonly batchStatus: RecordBatchStatusUseCase,
    private readonly callStarted: RecordCallStartedUseCase,
    private readonly callFinished: RecordCallFinishedUseCase,
    private readonly getBatchStatus: GetBatchStatusUseCase,
    private readonly getResultsPage: GetResultsPageUseCase,
  ) {}

  @JetStreamEvent(Subjects.batchIngested)
  onBatchIngested(@Payload() event: BatchIngestedEvent): Promise<void> {
    return this.batchIngested.execute(event);
  }

  @JetStreamEvent(Subjects.contactsChunk)
  onContactsChunk(@Payload() event: ContactsChunkEvent): Promise<void> {
    return this.contactsChunk.execute(event);
  }

  @JetStreamEvent(Subjects.contactUpdated)
  onContactUpdated(@Payload() event: ContactUpdatedEvent): Promise<void> {
    return this.contactUpdate.execute(event);
  }

  @JetStreamEvent(Subjects.batchStatusChanged)
  onBatchStatusChanged(@Payload() event: BatchStatusChangedEvent): Promise<void> {
    return this.batchStatus.execute(event);
  }

  @JetStreamEvent(Subjects.callStarted)
  onCallStarted(@Payload() event: CallStartedEvent): Promise<void> {
    return this.callStarted.execute(event);
  }

  @JetStreamEvent(Subjects.callFinished)
  onCallFinished(@Payload() event: CallFinishedEvent): Promise<void> {
    return this.callFinished.execute(event);
  }

  @RpcHandler(Subjects.reportingGetBatch)
  getBatch(@Payload() query: BatchQuery): Promise<BatchStatusView> {
    return this.getBatchStatus.execute(query);
  }

  @RpcHandler(Subjects.reportingResultsPage)
  resultsPage(@Payload() query: ResultsPageQuery): Promise<ResultsPage> {
    return this.getResultsPage.execute(query);
  }
}
