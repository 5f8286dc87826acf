import { randomUUID } from 'node:crypto';

import { Injectable } from '@nestjs/common';
import { ServiceError } from '@outdial/service-runtime';

import { AgentSecretsVault } from '../../adapters/agent-secrets-vault';
import { agentEvent, AgentRow } from '../../domain/directory-events';
import { DirectoryAgentsRepository } from '../../persistence/directory-agents.repository';
import { DirectoryUnitOfWork } from '../../persistence/directory-unit-of-work';
import { OrgsRepository } from '../../persistence/orgs.repository';

export interface AgentInput {
  agent_id?: string;
  name: string;
  kind?: 'voice' | 'text';
  provider?: string;
  variables?: string[];
  config?: Record<string, unknown>;
}

/** `POST /api/agents` (owner, admin), the CLI's `create-agent`, the bootstrap's demo agent. */
export interface CreateAgentCommand {
  org_id: string;
  agent: AgentInput;
}

/**
 * Creates an agent (id generated when not given; `voice`, `simulated` by default): its config
 * validated and split, its secrets sealed, and announced (AgentChangedEvent, outbox, same
 * transaction, org row locked). A re-created agent continues the version of the deleted one (its
 * tombstone), so consumers see it as newer. Errors: 400 `validation_failed` (config), 404
 * `not_found` (org), 409 `conflict` (id taken; details `{field: 'agent_id'}`).
 */
@Injectable()
export class CreateAgentUseCase {
  constructor(
    private readonly unitOfWork: DirectoryUnitOfWork,
    private readonly orgs: OrgsRepository,
    private readonly agents: DirectoryAgentsRepository,
    private readonly vault: AgentSecretsVault,
  ) {}

  async execute(command: CreateAgentCommand): Promise<AgentRow> {
    const { org_id: orgId, agent: input } = command;
    const agentId = input.agent_id ?? `agent_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
    const provider = input.provider ?? 'simulated';
    const { config, sealed, secrets } = this.vault.prepare(provider, input.config ?? {}, {});
    return this.unitOfWork.run(async (client, events) => {
      await this.orgs.lock(client, orgId);
      const version = ((await this.agents.takeTombstoneVersion(client, orgId, agentId)) ?? 0) + 1;
      const fields = {
        name: input.name,
        kind: input.kind ?? 'voice',
        provider,
        variables: input.variables ?? [],
        config,
        sealed_secrets: sealed,
        secret_names: Object.keys(secrets).sort(),
      };
      const row = await this.agents.insert(client, orgId, agentId, fields, version);
      if (!row) throw new ServiceError('conflict', `agent ${agentId} already exists`, { field: 'agent_id' });
      events.push(agentEvent(row));
      return row;
    });
  }
}
