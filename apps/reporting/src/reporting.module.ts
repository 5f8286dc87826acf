import { Module } from '@nestjs/common';
import { SERVICE_CONFIG } from '@outdial/service-runtime';

import { ProgressNotifier } from './adapters/progress-notifier';
import { WebhookDispatchSignal } from './adapters/webhook-dispatch-signal';
import { WebhookHttpSender } from './adapters/webhook-http-sender';
import { BatchEventsHandler } from './handlers/batch-events.handler';
import { BatchQueriesHandler } from './handlers/batch-queries.handler';
import { BatchResultsHandler } from './handlers/batch-results.handler';
import { CallEventsHandler } from './handlers/call-events.handler';
import { ContactEventsHandler } from './handlers/contact-events.handler';
import { ReportingDeletedBatchGate } from './handlers/deleted-batch.gate';
import { EventGroupQueue } from './handlers/event-group-queue';
import { QueueDepthSampler } from './handlers/queue-depth-sampler';
import { StalledBatchesSampler } from './handlers/stalled-batches-sampler';
import { SystemHandler } from './handlers/system.handler';
import { WebhookDispatchLoop } from './handlers/webhook-dispatch-loop';
import { WebhookHistoryPruneLoop } from './handlers/webhook-history-prune-loop';
import { WebhooksHandler } from './handlers/webhooks.handler';
import { AttemptReadModelRepository } from './persistence/attempt-read-model.repository';
import { BatchActivityRepository } from './persistence/batch-activity.repository';
import { BatchReadModelRepository } from './persistence/batch-read-model.repository';
import { CallbackSecretsRepository } from './persistence/callback-secrets.repository';
import { ContactReadModelRepository } from './persistence/contact-read-model.repository';
import { ProcessedEventsRepository } from './persistence/processed-events.repository';
import { ProgressSlotsRepository } from './persistence/progress-slots.repository';
import { WebhookDeliveriesRepository } from './persistence/webhook-deliveries.repository';
import { WebhookEndpointsRepository } from './persistence/webhook-endpoints.repository';
import { ReportingEnv } from './reporting-env';
import { ReportingMetrics } from './reporting-metrics';
import { AwaitReadModelUseCase } from './usecases/await-read-model/await-read-model.usecase';
import { ClaimWebhookDeliveriesUseCase } from './usecases/claim-webhook-deliveries/claim-webhook-deliveries.usecase';
import { CountStalledBatchesUseCase } from './usecases/count-stalled-batches/count-stalled-batches.usecase';
import { CreateWebhookUseCase } from './usecases/create-webhook/create-webhook.usecase';
import { DeleteWebhookUseCase } from './usecases/delete-webhook/delete-webhook.usecase';
import { DeliverWebhookUseCase } from './usecases/deliver-webhook/deliver-webhook.usecase';
import { GetBatchActivityUseCase } from './usecases/get-batch-activity/get-batch-activity.usecase';
import { GetBatchStatusUseCase } from './usecases/get-batch-status/get-batch-status.usecase';
import { GetCallbackSecretUseCase } from './usecases/get-callback-secret/get-callback-secret.usecase';
import { GetCallsPageUseCase } from './usecases/get-calls-page/get-calls-page.usecase';
import { GetContactsPageUseCase } from './usecases/get-contacts-page/get-contacts-page.usecase';
import { GetReportUseCase } from './usecases/get-report/get-report.usecase';
import { GetResultsPageUseCase } from './usecases/get-results-page/get-results-page.usecase';
import { GetSystemCountsUseCase } from './usecases/get-system-counts/get-system-counts.usecase';
import { ListBatchesUseCase } from './usecases/list-batches/list-batches.usecase';
import { ListWebhookDeliveriesUseCase } from './usecases/list-webhook-deliveries/list-webhook-deliveries.usecase';
import { ListWebhooksUseCase } from './usecases/list-webhooks/list-webhooks.usecase';
import { PruneWebhookHistoryUseCase } from './usecases/prune-webhook-history/prune-webhook-history.usecase';
import { RecordBatchDeletedUseCase } from './usecases/record-batch-deleted/record-batch-deleted.usecase';
import { RecordBatchIngestedUseCase } from './usecases/record-batch-ingested/record-batch-ingested.usecase';
import { RecordBatchStatusUseCase } from './usecases/record-batch-status/record-batch-status.usecase';
import { RecordContactsChunkUseCase } from './usecases/record-contacts-chunk/record-contacts-chunk.usecase';
import { RecordEventGroupUseCase } from './usecases/record-event-group/record-event-group.usecase';

/** The reporting service's wiring: message handlers, loops and samplers, use cases, repositories, adapters. */
@Module({
  controllers: [
    BatchEventsHandler,
    ContactEventsHandler,
    CallEventsHandler,
    BatchQueriesHandler,
    BatchResultsHandler,
    WebhooksHandler,
    SystemHandler,
  ],
  providers: [
    // The validated config, injectable by its class.
    { provide: ReportingEnv, useFactory: (config: ReportingEnv) => config, inject: [SERVICE_CONFIG] },
    ReportingMetrics,
    ReportingDeletedBatchGate,
    // Persistence
    BatchReadModelRepository,
    ContactReadModelRepository,
    AttemptReadModelRepository,
    BatchActivityRepository,
    ProcessedEventsRepository,
    ProgressSlotsRepository,
    WebhookEndpointsRepository,
    WebhookDeliveriesRepository,
    CallbackSecretsRepository,
    // Adapters
    ProgressNotifier,
    WebhookDispatchSignal,
    WebhookHttpSender,
    // Read-model events
    RecordBatchIngestedUseCase,
    RecordContactsChunkUseCase,
    RecordEventGroupUseCase,
    EventGroupQueue,
    RecordBatchStatusUseCase,
    RecordBatchDeletedUseCase,
    // Queries
    GetBatchStatusUseCase,
    AwaitReadModelUseCase,
    GetBatchActivityUseCase,
    GetResultsPageUseCase,
    ListBatchesUseCase,
    GetContactsPageUseCase,
    GetCallsPageUseCase,
    GetReportUseCase,
    GetSystemCountsUseCase,
    CountStalledBatchesUseCase,
    // Webhooks
    CreateWebhookUseCase,
    ListWebhooksUseCase,
    DeleteWebhookUseCase,
    ListWebhookDeliveriesUseCase,
    GetCallbackSecretUseCase,
    ClaimWebhookDeliveriesUseCase,
    DeliverWebhookUseCase,
    PruneWebhookHistoryUseCase,
    // Loops and samplers
    WebhookDispatchLoop,
    WebhookHistoryPruneLoop,
    QueueDepthSampler,
    StalledBatchesSampler,
  ],
})
export class ReportingModule {}
