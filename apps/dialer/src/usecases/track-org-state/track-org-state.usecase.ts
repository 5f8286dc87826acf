import { Inject, Injectable } from '@nestjs/common';
import { AgentChangedEvent, BatchStatusChangedEvent, OrgSettingsChangedEvent } from '@outdial/contracts';
import { Clock, Database, Logger, SERVICE_LOGGER } from '@outdial/service-runtime';
import { AgentsRepository } from '../../persistence/agents.repository';
import { BatchStatesRepository } from '../../persistence/batch-states.repository';
import { OrgBudgetsRepository } from '../../persistence/org-budgets.repository';

/**
 * Keeps the dialer's copy of what other services own and admission needs: org limits (highest
 * version wins), agents' provider config (highest version wins), batch statuses (latest wins).
 * Every update is idempotent, so redeliveries and replays of the streams are harmless.
 */
@Injectable()
export class TrackOrgStateUseCase {
  private readonly log: Logger;

  constructor(
    private readonly db: Database,
    private readonly budgets: OrgBudgetsRepository,
    private readonly agents: AgentsRepository,
    private readonly batches: BatchStatesRepository,
    private readonly clock: Clock,
    @Inject(SERVICE_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ component: 'org-state' });
  }

  async orgSettingsChanged(event: OrgSettingsChangedEvent): Promise<void> {
    const applied = await this.db.tx((client) => this.budgets.applySettings(client, event, this.clock.now()));
    this.log.info({ org_id: event.org_id, version: event.version, applied, max_concurrent_calls: event.max_concurrent_calls, calls_per_second: event.calls_per_second }, 'org limits');
  }

  async agentChanged(event: AgentChangedEvent): Promise<void> {
    const applied = await this.db.tx((client) => this.agents.apply(client, event));
    this.log.info({ org_id: event.org_id, agent_id: event.agent_id, provider: event.provider, version: event.version, applied }, 'agent');
  }

  async batchStatusChanged(event: BatchStatusChangedEvent): Promise<void> {
    await this.db.tx((client) => this.batches.record(client, { batch_id: event.batch_id, org_id: event.org_id, status: event.status, at: new Date(event.at) }));
  }
}
