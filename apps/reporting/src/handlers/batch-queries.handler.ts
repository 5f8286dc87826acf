import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  AwaitReadModelQuery,
  AwaitReadModelResult,
  BatchActivityItem,
  BatchActivityQuery,
  BatchListItem,
  BatchQuery,
  BatchStatusView,
  ListBatchesQuery,
  ListPage,
  Subjects,
} from '@outdial/contracts';
import { RpcHandler } from '@outdial/service-runtime';

import { AwaitReadModelUseCase } from '../usecases/await-read-model/await-read-model.usecase';
import { GetBatchActivityUseCase } from '../usecases/get-batch-activity/get-batch-activity.usecase';
import { GetBatchStatusUseCase } from '../usecases/get-batch-status/get-batch-status.usecase';
import { ListBatchesUseCase } from '../usecases/list-batches/list-batches.usecase';

/**
 * Batch queries over request/reply (the gateway's `GET /api/batch-calls[/{id}[/activity]]` and its
 * read-your-writes wait). Handlers only translate: a ServiceError thrown by a use case is the error reply.
 */
@Controller()
export class BatchQueriesHandler {
  constructor(
    private readonly getBatchStatus: GetBatchStatusUseCase,
    private readonly listBatchesUseCase: ListBatchesUseCase,
    private readonly batchActivityUseCase: GetBatchActivityUseCase,
    private readonly awaitReadModelUseCase: AwaitReadModelUseCase,
  ) {}

  @RpcHandler(Subjects.reportingGetBatch)
  getBatch(@Payload() query: BatchQuery): Promise<BatchStatusView> {
    return this.getBatchStatus.execute(query);
  }

  @RpcHandler(Subjects.reportingListBatches)
  listBatches(@Payload() query: ListBatchesQuery): Promise<ListPage<BatchListItem>> {
    return this.listBatchesUseCase.execute(query);
  }

  @RpcHandler(Subjects.reportingBatchActivity)
  batchActivity(@Payload() query: BatchActivityQuery): Promise<ListPage<BatchActivityItem>> {
    return this.batchActivityUseCase.execute(query);
  }

  @RpcHandler(Subjects.reportingAwaitReadModel)
  awaitReadModel(@Payload() query: AwaitReadModelQuery): Promise<AwaitReadModelResult> {
    return this.awaitReadModelUseCase.execute(query);
  }
}
