import { Injectable } from '@nestjs/common';
import { BatchActionCommand, Subjects } from '@outdial/contracts';
import { RpcClient } from '@outdial/service-runtime';

import { AgentBatches } from '../../adapters/agent-batches';
import { AuthContext } from '../../domain/auth-context';

/** `POST /batches/{batch_id}/stop` (Bolna-style). */
export interface StopAgentBatchCommand {
  auth: AuthContext;
  batch_id: string;
}

/** Bolna-style stop answer. */
export interface StoppedAgentBatch {
  batch_id: string;
  state: 'stopped';
  message: string;
}

/**
 * Stops a batch: the scheduler's `cancel`, answered once reporting shows it
 * (AgentBatches.untilReported). Errors: 404 `not_found`, 409 `invalid_transition`.
 */
@Injectable()
export class StopAgentBatchUseCase {
  constructor(
    private readonly rpc: RpcClient,
    private readonly batches: AgentBatches,
  ) {}

  async execute(command: StopAgentBatchCommand): Promise<StoppedAgentBatch> {
    const request: BatchActionCommand = { org_id: command.auth.org_id, batch_id: command.batch_id, action: 'cancel' };
    const result = await this.rpc.request(Subjects.schedulerBatchAction, request);
    await this.batches.untilReported(command.auth, result);
    return { batch_id: result.batch_id, state: 'stopped', message: 'success' };
  }
}
