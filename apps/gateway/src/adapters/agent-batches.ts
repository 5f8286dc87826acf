import { Injectable } from '@nestjs/common';
import { BatchActionResult, BatchStatusView, Subjects } from '@outdial/contracts';
import { RpcClient, ServiceError } from '@outdial/service-runtime';

import { AuthContext } from '../domain/auth-context';
import { BatchStatusReads } from './batch-status-reads';

/** Reporting's view of a batch as the compatibility routes (SPEC §9, Bolna-style) address it: by agent and batch. */
@Injectable()
export class AgentBatches {
  constructor(
    private readonly rpc: RpcClient,
    private readonly statusReads: BatchStatusReads,
  ) {}

  /** The batch, if it is this org's and belongs to this agent (404 `not_found` otherwise, like any other org's object). */
  async find(auth: AuthContext, agentId: string, batchId: string): Promise<BatchStatusView> {
    const batch = await this.statusReads.get(auth.org_id, batchId);
    if (batch.agent_id !== agentId)
      throw new ServiceError('not_found', `batch ${batchId} not found for agent ${agentId}`);
    return batch;
  }

  /**
   * Read-your-writes for scripts that poll right after acting (the seed's client does): returns once
   * reporting, fed by events, shows the scheduler's new status, or the batch moved on past it.
   * Bounded (3 s, polls from 5 ms doubling to 100 ms): at worst the answer goes out and the status
   * follows moments later. Never throws.
   */
  async untilReported(auth: AuthContext, result: BatchActionResult): Promise<void> {
    const deadline = Date.now() + 3000;
    for (let wait = 5; Date.now() < deadline; wait = Math.min(wait * 2, 100)) {
      const view = await this.rpc
        .request(Subjects.reportingGetBatch, { org_id: auth.org_id, batch_id: result.batch_id })
        .catch(() => undefined);
      if (!view || view.status !== result.previous_status) return;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}
