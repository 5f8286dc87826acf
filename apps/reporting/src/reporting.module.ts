import { Module } from '@nestjs/common';
import { SERVICE_CONFIG } from '@outdial/service-runtime';
import { ReportingHandlers } from './handlers/reporting.handlers';
import { ReportingEnv } from './reporting-env';
import { GetBatchStatusUseCase } from './usecases/get-batch-status/get-batch-status.usecase';
import { GetResultsPageUseCase } from './usecases/get-results-page/get-results-page.usecase';
import { RecordBatchIngestedUseCase } from './usecases/record-batch-ingested/record-batch-ingested.usecase';
import { RecordBatchStatusUseCase } from './usecases/record-batch-status/record-batch-status.usecase';
import { RecordCallFinishedUseCase } from './usecases/record-call-finished/record-call-finished.usecase';
import { RecordCallStartedUseCase } from './usecases/record-call-started/record-call-started.usecase';
import { RecordContactUpdateUseCase } from './usecases/record-contact-update/record-contact-update.usecase';
import { RecordContactsChunkUseCase } from './usecases/record-contacts-chunk/record-contacts-chunk.usecase';

@Module({
  controllers: [ReportingHandlers],
  providers: [
    // The validated config, injectable by its class.
    { provide: ReportingEnv, useFactory: (config: ReportingEnv) => config, inject: [SERVICE_CONFIG] },
    RecordBatchIngestedUseCase,
    RecordContactsChunkUseCase,
    RecordContactUpdateUseCase,
    RecordBatchStatusUseCase,
    RecordCallStartedUseCase,
    RecordCallFinishedUseCase,
    GetBatchStatusUseCase,
    GetResultsPageUseCase,
  ],
})
export class ReportingModule {}
