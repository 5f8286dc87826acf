import { Module } from '@nestjs/common';
import { IngestHandlers } from './handlers/ingest.handlers';
import { BatchSettingsUseCase } from './usecases/batch-settings/batch-settings.usecase';
import { IssuesPageUseCase } from './usecases/batch-issues/issues-page.usecase';
import { CreateBatchUseCase } from './usecases/create-batch/create-batch.usecase';
import { UploadReader } from './usecases/create-batch/upload-reader';
import { DeleteBatchUseCase } from './usecases/delete-batch/delete-batch.usecase';
import { HandOverBatchUseCase } from './usecases/hand-over-batch/hand-over-batch.usecase';
import { SuppressionUseCase } from './usecases/suppression/suppression.usecase';

@Module({
  controllers: [IngestHandlers],
  providers: [CreateBatchUseCase, HandOverBatchUseCase, UploadReader, IssuesPageUseCase, SuppressionUseCase, DeleteBatchUseCase, BatchSettingsUseCase],
})
export class IngestModule {}
