import { Module } from '@nestjs/common';
import { IngestHandlers } from './handlers/ingest.handlers';
import { CreateBatchUseCase } from './usecases/create-batch/create-batch.usecase';
import { HandOverBatchUseCase } from './usecases/hand-over-batch/hand-over-batch.usecase';

@Module({
  controllers: [IngestHandlers],
  providers: [CreateBatchUseCase, HandOverBatchUseCase],
})
export class IngestModule {}
