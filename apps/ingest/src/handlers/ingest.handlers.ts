import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { CreateBatchCommand, CreateBatchResult, Subjects } from '@outdial/contracts';
import { RpcHandler } from '@outdial/service-runtime';
import { CreateBatchUseCase } from '../usecases/create-batch/create-batch.usecase';

@Controller()
export class IngestHandlers {
  constructor(private readonly createBatch: CreateBatchUseCase) {}

  @RpcHandler(Subjects.ingestCreateBatch)
  create(@Payload() command: CreateBatchCommand): Promise<CreateBatchResult> {
    return this.createBatch.execute(command);
  }
}
