import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  AwaitReadModelQuery,
  BatchActivityItem,
  BatchActivityQuery,
  AwaitReadModelResult,
  BatchDeletedEvent,
  BatchIngestedEvent,
  BatchListItem,
  BatchQuery,
  BatchReport,
  BatchStatusChangedEvent,
  BatchStatusView,
  CallDeclinedEvent,
  CallFinishedEvent,
  CallItem,
  CallsPageQuery,
  CallStartedEvent,
  ContactItem,
  ContactsChunkEvent,
  ContactsPageQuery,
  ContactUpdatedEvent,
  CreatedWebhookEndpoint,
  CreateWebhookCommand,
  ListBatchesQuery,
  ListPage,
  OrgQuery,
  PdfReport,
  ReportingSystemCounts,
  ReportQuery,
  ResultsPage,
  ResultsPageQuery,
  Subjects,
  WebhookDeliveriesQuery,
  WebhookDeliveryView,
  WebhookEndpointView,
  WebhookQuery,
} from '@outdial/contracts';
import { JetStreamEvent, RpcHandler } from '@outdial/service-runtime';
import { AwaitReadModelUseCase } from '../usecases/await-read-model/await-read-model.usecase';
import { GetBatchActivityUseCase } from '../usecases/get-batch-activity/get-batch-activity.usecase';
import { GetBatchStatusUseCase } from '../usecases/get-batch-status/get-batch-status.usecase';
import { GetCallsPageUseCase } from '../usecases/get-calls-page/get-calls-page.usecase';
import { GetContactsPageUseCase } from '../usecases/get-contacts-page/get-contacts-page.usecase';
import { GetReportUseCase } from '../usecases/get-report/get-report.usecase';
import { GetResultsPageUseCase } from '../usecases/get-results-page/get-results-page.usecase';
import { GetSystemCountsUseCase } from '../usecases/get-system-counts/get-system-counts.usecase';
import { ListBatchesUseCase } from '../usecases/list-batches/list-batches.usecase';
import { ManageWebhooksUseCase } from '../usecases/manage-webhooks/manage-webhooks.usecase';
import { RecordBatchDeletedUseCase } from '../usecases/record-batch-deleted/record-batch-deleted.usecase';
import { RecordBatchIngestedUseCase } from '../usecases/record-batch-ingested/record-batch-ingested.usecase';
import { RecordBatchStatusUseCase } from '../usecases/record-batch-status/record-batch-status.usecase';
import { RecordCallDeclinedUseCase } from '../usecases/record-call-declined/record-call-declined.usecase';
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
    private readonly callDeclined: RecordCallDeclinedUseCase,
    private readonly batchDeleted: RecordBatchDeletedUseCase,
    private readonly getBatchStatus: GetBatchStatusUseCase,
    private readonly awaitReadModelUseCase: AwaitReadModelUseCase,
    private readonly batchActivityUseCase: GetBatchActivityUseCase,
    private readonly getResultsPage: GetResultsPageUseCase,
    private readonly listBatchesUseCase: ListBatchesUseCase,
    private readonly contactsPageUseCase: GetContactsPageUseCase,
    private readonly callsPageUseCase: GetCallsPageUseCase,
    private readonly reportUseCase: GetReportUseCase,
    private readonly webhooks: ManageWebhooksUseCase,
    private readonly systemCountsUseCase: GetSystemCountsUseCase,
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

  @JetStreamEvent(Subjects.callDeclined)
  onCallDeclined(@Payload() event: CallDeclinedEvent): void {
    this.callDeclined.execute(event);
  }

  @JetStreamEvent(Subjects.batchDeleted)
  onBatchDeleted(@Payload() event: BatchDeletedEvent): Promise<void> {
    return this.batchDeleted.execute(event);
  }

  @RpcHandler(Subjects.reportingAwaitReadModel)
  awaitReadModel(@Payload() query: AwaitReadModelQuery): Promise<AwaitReadModelResult> {
    return this.awaitReadModelUseCase.execute(query);
  }

  @RpcHandler(Subjects.reportingBatchActivity)
  batchActivity(@Payload() query: BatchActivityQuery): Promise<ListPage<BatchActivityItem>> {
    return this.batchActivityUseCase.execute(query);
  }

  @RpcHandler(Subjects.reportingGetBatch)
  getBatch(@Payload() query: BatchQuery): Promise<BatchStatusView> {
    return this.getBatchStatus.execute(query);
  }

  @RpcHandler(Subjects.reportingResultsPage)
  resultsPage(@Payload() query: ResultsPageQuery): Promise<ResultsPage> {
    return this.getResultsPage.execute(query);
  }

  @RpcHandler(Subjects.reportingListBatches)
  listBatches(@Payload() query: ListBatchesQuery): Promise<ListPage<BatchListItem>> {
    return this.listBatchesUseCase.execute(query);
  }

  @RpcHandler(Subjects.reportingContactsPage)
  contactsPage(@Payload() query: ContactsPageQuery): Promise<ListPage<ContactItem>> {
    return this.contactsPageUseCase.execute(query);
  }

  @RpcHandler(Subjects.reportingCallsPage)
  callsPage(@Payload() query: CallsPageQuery): Promise<ListPage<CallItem>> {
    return this.callsPageUseCase.execute(query);
  }

  @RpcHandler(Subjects.reportingReport)
  report(@Payload() query: ReportQuery): Promise<BatchReport | PdfReport> {
    return this.reportUseCase.execute(query);
  }

  @RpcHandler(Subjects.reportingWebhookCreate)
  createWebhook(@Payload() command: CreateWebhookCommand): Promise<CreatedWebhookEndpoint> {
    return this.webhooks.create(command);
  }

  @RpcHandler(Subjects.reportingWebhookList)
  listWebhooks(@Payload() query: OrgQuery): Promise<ListPage<WebhookEndpointView>> {
    return this.webhooks.list(query);
  }

  @RpcHandler(Subjects.reportingWebhookDelete)
  deleteWebhook(@Payload() query: WebhookQuery): Promise<{ webhook_id: string; deleted: true }> {
    return this.webhooks.delete(query);
  }

  @RpcHandler(Subjects.reportingWebhookDeliveries)
  webhookDeliveries(@Payload() query: WebhookDeliveriesQuery): Promise<ListPage<WebhookDeliveryView>> {
    return this.webhooks.deliveries(query);
  }

  @RpcHandler(Subjects.reportingWebhookCallbackSecret)
  callbackSecret(@Payload() query: OrgQuery): Promise<{ secret: string }> {
    return this.webhooks.callbackSecret(query);
  }

  @RpcHandler(Subjects.reportingSystemCounts)
  systemCounts(@Payload() query: OrgQuery): Promise<ReportingSystemCounts> {
    return this.systemCountsUseCase.execute(query);
  }
}
