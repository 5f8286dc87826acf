import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  BatchDeletedEvent,
  BatchSettingsQuery,
  BatchSettingsView,
  CreateBatchCommand,
  CreateBatchResult,
  IssuesPage,
  IssuesPageQuery,
  Subjects,
  ValidateBatchResult,
} from '@outdial/contracts';
import { JetStreamEvent, RpcHandler } from '@outdial/service-runtime';

import { BatchSettingsUseCase } from '../usecases/batch-settings/batch-settings.usecase';
import { DeleteIngestedBatchUseCase } from '../usecases/delete-ingested-batch/delete-ingested-batch.usecase';
import { IngestBatchUseCase } from '../usecases/ingest-batch/ingest-batch.usecase';
import { ValidateBatchUseCase } from '../usecases/validate-batch/validate-batch.usecase';
import { ValidationIssuesPageUseCase } from '../usecases/validation-issues-page/validation-issues-page.usecase';
import { refusalAsServiceError } from './refusals';

/** Batch uploads: create and dry run (from the gateway), the issue list, the stored settings, deletion. */
@Controller()
export class BatchUploadHandler {
  constructor(
    private readonly ingestBatch: IngestBatchUseCase,
    private readonly validateBatch: ValidateBatchUseCase,
    private readonly issuesPage: ValidationIssuesPageUseCase,
    private readonly batchSettings: BatchSettingsUseCase,
    private readonly deleteBatch: DeleteIngestedBatchUseCase,
  ) {}

  @RpcHandler(Subjects.ingestCreateBatch)
  create(@Payload() command: CreateBatchCommand): Promise<CreateBatchResult> {
    return this.ingestBatch.execute(command).catch(refusalAsServiceError);
  }

  @RpcHandler(Subjects.ingestValidateBatch)
  validate(@Payload() command: CreateBatchCommand): Promise<ValidateBatchResult> {
    return this.validateBatch.execute(command).catch(refusalAsServiceError);
  }

  @RpcHandler(Subjects.ingestIssuesPage)
  issues(@Payload() query: IssuesPageQuery): Promise<IssuesPage> {
    return this.issuesPage.execute(query).catch(refusalAsServiceError);
  }

  /** The settings a batch was created with (a redial starts from them). */
  @RpcHandler(Subjects.ingestBatchSettings)
  settings(@Payload() query: BatchSettingsQuery): Promise<BatchSettingsView> {
    return this.batchSettings.execute(query).catch(refusalAsServiceError);
  }

  @JetStreamEvent(Subjects.batchDeleted, { durable: 'ingest-batch-deleted', concurrency: 2 })
  async batchDeleted(@Payload() event: BatchDeletedEvent): Promise<void> {
    await this.deleteBatch.execute(event);
  }
}
