import { Injectable } from '@nestjs/common';
import { BatchActionCommand, Subjects } from '@outdial/contracts';
import { RpcClient } from '@outdial/service-runtime';

import { AgentBatches } from '../../adapters/agent-batches';
import { AuthContext } from '../../domain/auth-context';

/** `POST /batches/schedule` (Bolna-style): the agent's batch and when to start it (ISO 8601 with an offset). */
export interface ScheduleAgentBatchCommand {
  auth: AuthContext;
  agent_id: string;
  batch_id: string;
  scheduled_at: string;
}

/** Bolna-style schedule answer. */
export interface ScheduledAgentBatch {
  batch_id: string;
  state: 'scheduled';
  scheduled_at: string | null | undefined;
}

/**
 * Schedules (or re-schedules) a created batch of the agent: the scheduler's `reschedule` action,
 * answered once reporting shows it (AgentBatches.untilReported). Errors: 404 `not_found` (not this
 * agent's batch), 409 `invalid_transition`, 400 (time).
 */
@Injectable()
export class ScheduleAgentBatchUseCase {
  constructor(
    private readonly rpc: RpcClient,
    private readonly batches: AgentBatches,
  ) {}

  async execute(command: ScheduleAgentBatchCommand): Promise<ScheduledAgentBatch> {
    const batch = await this.batches.find(command.auth, command.agent_id, command.batch_id);
    const request: BatchActionCommand = {
      org_id: command.auth.org_id,
      batch_id: batch.batch_id,
      action: 'reschedule',
      scheduled_start_time: command.scheduled_at,
    };
    const result = await this.rpc.request(Subjects.schedulerBatchAction, request);
    await this.batches.untilReported(command.auth, result);
    return { batch_id: result.batch_id, state: 'scheduled', scheduled_at: result.scheduled_start_time };
  }
}
