import { Injectable } from '@nestjs/common';

import { agentDeletedEvent, agentEvent, orgSettingsEvent } from '../../domain/directory-events';
import { DirectoryAgentsRepository } from '../../persistence/directory-agents.repository';
import { DirectoryUnitOfWork } from '../../persistence/directory-unit-of-work';
import { OrgsRepository } from '../../persistence/orgs.repository';

/**
 * Writes the current settings of every org and every agent (and tombstone) to the outbox, in one
 * transaction: run at gateway start (and by the CLI's `republish`), so consumers that missed a
 * change (or a CLI edit made while no gateway ran) converge. Same versions as already published:
 * consumers keep the highest, JetStream drops the repeated event ids. Returns the number of events.
 */
@Injectable()
export class RepublishDirectoryUseCase {
  constructor(
    private readonly unitOfWork: DirectoryUnitOfWork,
    private readonly orgs: OrgsRepository,
    private readonly agents: DirectoryAgentsRepository,
  ) {}

  async execute(): Promise<number> {
    return this.unitOfWork.run(async (client, events) => {
      for (const org of await this.orgs.listInTx(client)) events.push(orgSettingsEvent(org));
      for (const agent of await this.agents.listInTx(client)) events.push(agentEvent(agent));
      for (const tomb of await this.agents.listTombstonesInTx(client)) events.push(agentDeletedEvent(tomb));
      return events.length;
    });
  }
}
