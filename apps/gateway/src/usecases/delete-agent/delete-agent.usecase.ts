import { Injectable } from '@nestjs/common';
import { ServiceError } from '@outdial/service-runtime';

import { agentDeletedEvent } from '../../domain/directory-events';
import { DirectoryAgentsRepository } from '../../persistence/directory-agents.repository';
import { DirectoryUnitOfWork } from '../../persistence/directory-unit-of-work';

/** `DELETE /api/agents/{id}` (owner, admin) and the CLI's `delete-agent`. */
export interface DeleteAgentCommand {
  org_id: string;
  agent_id: string;
}

/**
 * Deletes an agent and leaves a tombstone at the next version, announced like any change
 * (AgentChangedEvent `deleted: true`, outbox, same transaction): new batches can no longer use it,
 * dialers forget it. Errors: 404 `not_found`.
 */
@Injectable()
export class DeleteAgentUseCase {
  constructor(
    private readonly unitOfWork: DirectoryUnitOfWork,
    private readonly agents: DirectoryAgentsRepository,
  ) {}

  async execute(command: DeleteAgentCommand): Promise<void> {
    await this.unitOfWork.run(async (client, events) => {
      const row = await this.agents.delete(client, command.org_id, command.agent_id);
      if (!row) throw new ServiceError('not_found', `agent ${command.agent_id} not found`);
      events.push(agentDeletedEvent(await this.agents.upsertTombstone(client, row, row.version + 1)));
    });
  }
}
