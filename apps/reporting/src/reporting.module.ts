import { Module } from '@nestjs/common';
import { SERVICE_CONFIG } from '@outdial/service-runtime';
import { ReportingHandlers } from './handlers/reporting.handlers';
import { ProgressNotifier } from './progress/progress-notifier';
import { QueueDepthSampler } from './progress/queue-depth-sampler';
import { StalledBatchesSampler } from './progress/stalled-batches-sampler';
import { ReportingEnv } from './reporting-env';
import { AwaitReadModelUseCase } from './usecases/await-read-model/await-read-model.usecase';
import { GetBatchActivityUseCase } from './usecases/get-batch-activity/get-batch-activity.usecase';
import { GetBatchStatusUseCase } from './usecases/get-batch-status/get-batch-status.usecase';
import { GetCallsPageUseCase } from './usecases/get-calls-page/get-calls-page.usecase';
import { GetContactsPageUseCase } from './usecases/get-contacts-page/get-contacts-page.usecase';
import { GetReportUseCase } from './usecases/get-report/get-report.usecase';
import { GetResultsPageUseCase } from './usecases/get-results-page/get-results-page.usecase';
import { GetSystemCountsUseCase } from './usecases/get-system-counts/get-system-counts.usecase';
import { ListBatchesUseCase } from './usecases/list-batches/list-batches.usecase';
import { ManageWebhooksUseCase } from './usecases/manage-webhooks/manage-webhooks.usecase';
import { RecordBatchDeletedUseCase } from './usecases/record-batch-deleted/record-batch-deleted.usecase';
import { RecordBatchIngestedUseCase } from './usecases/record-batch-ingested/record-batch-ingested.usecase';
import { RecordBatchStatusUseCase } from './usecases/record-batch-status/record-batch-status.usecase';
import { RecordCallDeclinedUseCase } from './usecases/record-call-declined/record-call-declined.usecase';
import { RecordCallFinishedUseCase } from './usecases/record-call-finished/record-call-finished.usecase';
import { RecordCallStartedUseCase } from './usecases/record-call-started/record-call-started.usecase';
import { RecordContactUpdateUseCase } from './usecases/record-contact-update/record-contact-update.usecase';
import { RecordContactsChunkUseCase } from './usecases/record-contacts-chunk/record-contacts-chunk.usecase';
import { PruneWebhookHistoryUseCase } from './usecases/prune-webhook-history/prune-webhook-history.usecase';
import { WebhookDispatcher } from './webhooks/webhook-dispatcher';
import { WebhookHistoryPruner } from './webhooks/webhook-history-pruner';
import { WebhookMetrics } from './webhooks/webhook-metrics';

@Module({
  controllers: [ReportingHandlers],
  providers: [
    // The validated config, injectable by its class.
    { provide: ReportingEnv, useFactory: (config: ReportingEnv) => config, inject: [SERVICE_CONFIG] },
    ProgressNotifier,
    QueueDepthSampler,
    StalledBatchesSampler,
    WebhookMetrics,
    WebhookDispatcher,
    PruneWebhookHistoryUseCase,
    WebhookHistoryPruner,
    RecordBatchIngestedUseCase,
    RecordContactsChunkUseCase,
    RecordContactUpdateUseCase,
    RecordBatchStatusUseCase,
    RecordCallStartedUseCase,
    RecordCallFinishedUseCase,
    RecordCallDeclinedUseCase,
    RecordBatchDeletedUseCase,
    GetBatchStatusUseCase,
    AwaitReadModelUseCase,
    GetBatchActivityUseCase,
    GetResultsPageUseCase,
    ListBatchesUseCase,
    GetContactsPageUseCase,
    GetCallsPageUseCase,
    GetReportUseCase,
    ManageWebhooksUseCase,
    GetSystemCountsUseCase,
  ],
})
export class ReportingModule {}
