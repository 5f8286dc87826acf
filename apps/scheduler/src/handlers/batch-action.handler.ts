import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { BatchActionCommand, RpcReply, Subjects } from '@outdial/contracts';
import { RpcHandler } from '@outdial/service-runtime';

import { ApplyBatchActionUseCase } from '../usecases/apply-batch-action/apply-batch-action.usecase';
import { ReleaseLoop } from './release-loop';

/** The gateway's batch lifecycle actions (RPC `v1.rpc.scheduler.batch_action`): pause, resume, cancel, delete, reschedule. */
@Controller()
export class SchedulerBatchActionHandler {
  constructor(
    private readonly applyBatchAction: ApplyBatchActionUseCase,
    private readonly releaseLoop: ReleaseLoop,
  ) {}

  @RpcHandler(Subjects.schedulerBatchAction)
  async onBatchAction(@Payload() command: BatchActionCommand): Promise<RpcReply<typeof Subjects.schedulerBatchAction>> {
    const result = await this.applyBatchAction.execute(command);
    this.releaseLoop.kick();
    return result;
  }
}
