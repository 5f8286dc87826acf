import { Injectable } from '@nestjs/common';
import { ServiceError } from '@outdial/service-runtime';

import { AgentSecretsVault } from '../../adapters/agent-secrets-vault';
import { agentEvent, AgentRow } from '../../domain/directory-events';
import { DirectoryAgentsRepository } from '../../persistence/directory-agents.repository';
import { DirectoryUnitOfWork } from '../../persistence/directory-unit-of-work';
import { AgentInput } from '../create-agent/create-agent.usecase';

export type AgentChanges = Partial<Omit<AgentInput, 'agent_id'>>;

/** `PATCH /api/agents/{id}` (owner, admin) and the CLI's `update-agent`: only the given fields change, `config` whole. */
export interface UpdateAgentCommand {
  org_id: string;
  agent_id: string;
  changes: AgentChanges;
}

/**
 * Changes an agent (row locked), bumps its version and announces it (AgentChangedEvent, outbox,
 * same transaction); an agent left as it was keeps its version and publishes nothing. Secrets are
 * never returned, so a config sent back without them keeps the stored ones (of the same
 * provider); sending a secret replaces it; a provider change drops them.
 * Errors: 400 `validation_failed` (config), 404 `not_found`.
 */
@Injectable()
export class UpdateAgentUseCase {
  constructor(
    private readonly unitOfWork: DirectoryUnitOfWork,
    private readonly agents: DirectoryAgentsRepository,
    private readonly vault: AgentSecretsVault,
  ) {}

  async execute(command: UpdateAgentCommand): Promise<AgentRow> {
    const { org_id: orgId, agent_id: agentId, changes } = command;
    return this.unitOfWork.run(async (client, events) => {
      const before = await this.agents.selectForUpdate(client, orgId, agentId);
      if (!before) throw new ServiceError('not_found', `agent ${agentId} not found`);
      const provider = changes.provider ?? before.provider;
      const stored = this.vault.open(before);
      const kept = provider === before.provider ? stored : {};
      const prepared =
        changes.config !== undefined || provider !== before.provider
          ? this.vault.prepare(provider, changes.config ?? before.config, kept)
          : { config: before.config, sealed: before.sealed_secrets ?? null, secrets: kept };
      const next = {
        name: changes.name ?? before.name,
        kind: changes.kind ?? before.kind,
        provider,
        variables: changes.variables ?? before.variables,
        config: prepared.config,
      };
      const secretsChanged = JSON.stringify(prepared.secrets) !== JSON.stringify(stored);
      if (
        !secretsChanged &&
        JSON.stringify(next) ===
          JSON.stringify({
            name: before.name,
            kind: before.kind,
            provider: before.provider,
            variables: before.variables,
            config: before.config,
          })
      ) {
        return before;
      }
      const sealed = secretsChanged ? prepared.sealed : (before.sealed_secrets ?? null);
      const updated = await this.agents.update(client, orgId, agentId, {
        ...next,
        sealed_secrets: sealed,
        secret_names: Object.keys(prepared.secrets).sort(),
      });
      events.push(agentEvent(updated));
      return updated;
    });
  }
}
