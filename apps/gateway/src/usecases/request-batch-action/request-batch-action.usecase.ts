import { Injectable } from '@nestjs/common';
import { BatchActionCommand, BatchActionResult, Subjects } from '@outdial/contracts';
import { RpcClient } from '@outdial/service-runtime';

import { ReadModelBarrier } from '../../adapters/read-model-barrier';
import { RequestBatchActionCommand } from './request-batch-action.command';

/**
 * Pause, resume, cancel, reschedule or delete a batch (SPEC §4): the scheduler owns the state
 * machine (`scheduler.batch_action` RPC; 404 for another org's batch, 409 `invalid_transition`
 * where the action is not allowed), then read-your-writes: the answer goes out once reporting's
 * read model shows the new status (or the deletion), bounded by GATEWAY_READ_YOUR_WRITES_MS.
 * The actor recorded in the batch's activity log is the token and its role.
 */
@Injectable()
export class RequestBatchActionUseCase {
  constructor(
    private readonly rpc: RpcClient,
    private readonly readModel: ReadModelBarrier,
  ) {}

  async execute(command: RequestBatchActionCommand): Promise<BatchActionResult> {
    const { auth, batch_id: batchId, action } = command;
    const extra: Partial<BatchActionCommand> =
      action === 'reschedule' ? { scheduled_start_time: command.scheduled_start_time, timezone: command.timezone } : {};
    const request: BatchActionCommand = {
      org_id: auth.org_id,
      batch_id: batchId,
      action,
      actor: `token ${auth.token_id} (${auth.role})`,
      ...extra,
    };
    const result = await this.rpc.request(Subjects.schedulerBatchAction, request);
    if (action === 'delete') await this.readModel.wait(auth.org_id, batchId, { deleted: true });
    else if (result.status_at) await this.readModel.wait(auth.org_id, batchId, { status_at: result.status_at });
    return result;
  }
}
