import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { BatchDeletedEvent, BatchIngestedEvent, BatchStatusChangedEvent, Subjects } from '@outdial/contracts';
import { JetStreamEvent } from '@outdial/service-runtime';

import { RecordBatchDeletedUseCase } from '../usecases/record-batch-deleted/record-batch-deleted.usecase';
import { RecordBatchIngestedUseCase } from '../usecases/record-batch-ingested/record-batch-ingested.usecase';
import { RecordBatchStatusUseCase } from '../usecases/record-batch-status/record-batch-status.usecase';

/**
 * Batch lifecycle events into the read model (INGEST and BATCH streams). Handlers only translate:
 * payloads arrive validated by the transport; a returned promise acks, a TransientError (batch not
 * known yet) redelivers later.
 */
@Controller()
export class BatchEventsHandler {
  constructor(
    private readonly batchIngested: RecordBatchIngestedUseCase,
    private readonly batchStatus: RecordBatchStatusUseCase,
    private readonly batchDeleted: RecordBatchDeletedUseCase,
  ) {}

  @JetStreamEvent(Subjects.batchIngested)
  onBatchIngested(@Payload() event: BatchIngestedEvent): Promise<void> {
    return this.batchIngested.execute(event);
  }

  @JetStreamEvent(Subjects.batchStatusChanged)
  onBatchStatusChanged(@Payload() event: BatchStatusChangedEvent): Promise<void> {
    return this.batchStatus.execute(event);
  }

  @JetStreamEvent(Subjects.batchDeleted)
  onBatchDeleted(@Payload() event: BatchDeletedEvent): Promise<void> {
    return this.batchDeleted.execute(event);
  }
}
