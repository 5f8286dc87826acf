import { Inject, Injectable } from '@nestjs/common';
import { AgentChangedEvent } from '@outdial/contracts';
import { Database, Logger, SERVICE_LOGGER } from '@outdial/service-runtime';

import { AgentsRepository } from '../../persistence/agents.repository';

/**
 * Keeps the dialer's copy of an agent (`v1.org.agent_changed`, owned by the gateway): its provider,
 * non-secret config and sealed secrets, read when a call is placed. The highest `version` wins, so
 * redeliveries and replays of the stream are harmless. Secrets stay sealed here; only
 * PlaceCallUseCase opens them, for one dial.
 */
@Injectable()
export class TrackAgentUseCase {
  private readonly log: Logger;

  constructor(
    private readonly db: Database,
    private readonly agents: AgentsRepository,
    @Inject(SERVICE_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ component: 'org-state' });
  }

  /** Returns whether the event was applied (false: an equal or higher version was applied before). */
  async execute(event: AgentChangedEvent): Promise<boolean> {
    const applied = await this.db.tx((client) => this.agents.apply(client, event));
    this.log.info(
      { org_id: event.org_id, agent_id: event.agent_id, provider: event.provider, version: event.version, applied },
      'agent',
    );
    return applied;
  }
}
