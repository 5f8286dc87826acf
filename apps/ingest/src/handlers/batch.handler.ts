import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  BatchDeletedEvent,
  BatchSettingsQuery,
  BatchSettingsView,
  CallFinishedEvent,
  CreateBatchCommand,
  CreateBatchResult,
  IssuesPage,
  IssuesPageQuery,
  Subjects,
  SuppressionAddCommand,
  SuppressionAddResult,
  SuppressionImportCommand,
  SuppressionImportResult,
  SuppressionListPage,
  SuppressionListQuery,
  SuppressionRemoveCommand,
  SuppressionRemoveResult,
  ValidateBatchResult,
} from '@outdial/contracts';
import { JetStreamEvent, RpcHandler } from '@outdial/service-runtime';
import { BatchSettingsUseCase } from '../usecases/batch-settings/batch-settings.usecase';
import { IssuesPageUseCase } from '../usecases/batch-issues/issues-page.usecase';
import { CreateBatchUseCase } from '../usecases/create-batch/create-batch.usecase';
import { DeleteBatchUseCase } from '../usecases/delete-batch/delete-batch.usecase';
import { SuppressionUseCase } from '../usecases/suppression/suppression.usecase';

@Controller()
export class IngestHandlers {
  constructor(
    private readonly createBatch: CreateBatchUseCase,
    private readonly issues: IssuesPageUseCase,
    private readonly suppression: SuppressionUseCase,
    private readonly deleteBatch: DeleteBatchUseCase,
    private readonly batchSettings: BatchSettingsUseCase,
  ) {}

  @RpcHandler(Subjects.ingestCreateBatch)
  create(@Payload() command: CreateBatchCommand): Promise<CreateBatchResult> {
    return this.createBatch.execute(command);
  }

  @RpcHandler(Subjects.ingestValidateBatch)
  validate(@Payload() command: CreateBatchCommand): Promise<ValidateBatchResult> {
    return this.createBatch.validate(command);
  }

  @RpcHandler(Subjects.ingestIssuesPage)
  issuesPage(@Payload() query: IssuesPageQuery): Promise<IssuesPage> {
    return this.issues.execute(query);
  }

  /** The settings a batch was created with (a redial starts from them). */
  @RpcHandler(Subjects.ingestBatchSettings)
  settings(@Payload() query: BatchSettingsQuery): Promise<BatchSettingsView> {
    return this.batchSettings.execute(query);
  }

  @RpcHandler(Subjects.ingestSuppressionList)
  suppressionList(@Payload() query: SuppressionListQuery): Promise<SuppressionListPage> {
    return this.suppression.list(query);
  }

  @RpcHandler(Subjects.ingestSuppressionAdd)
  suppressionAdd(@Payload() command: SuppressionAddCommand): Promise<SuppressionAddResult> {
    return this.suppression.add(command);
  }

  @RpcHandler(Subjects.ingestSuppressionImport)
  suppressionImport(@Payload() command: SuppressionImportCommand): Promise<SuppressionImportResult> {
    return this.suppression.import(command);
  }

  @RpcHandler(Subjects.ingestSuppressionRemove)
  suppressionRemove(@Payload() command: SuppressionRemoveCommand): Promise<SuppressionRemoveResult> {
    return this.suppression.remove(command);
  }

  /** An opt-out outcome puts the number on the org's do-not-call list. */
  @JetStreamEvent(Subjects.callFinished, { durable: 'ingest-opt-outs', concurrency: 4 })
  async callFinished(@Payload() event: CallFinishedEvent): Promise<void> {
    if (event.outcome === 'opted_out') await this.suppression.optedOut(event.org_id, event.batch_id, event.contact_id);
  }

  @JetStreamEvent(Subjects.batchDeleted, { durable: 'ingest-batch-deleted', concurrency: 2 })
  async batchDeleted(@Payload() event: BatchDeletedEvent): Promise<void> {
    await this.deleteBatch.execute(event.org_id, event.batch_id);
  }
}
