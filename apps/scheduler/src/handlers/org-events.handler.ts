import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { AgentChangedEvent, OrgSettingsChangedEvent, Subjects } from '@outdial/contracts';
import { JetStreamEvent } from '@outdial/service-runtime';

import { FailBatchesOfDeletedAgentUseCase } from '../usecases/fail-batches-of-deleted-agent/fail-batches-of-deleted-agent.usecase';
import { UpdateOrgSchedulingRulesUseCase } from '../usecases/update-org-scheduling-rules/update-org-scheduling-rules.usecase';
import { ReleaseLoop } from './release-loop';

/** The gateway's org events: settings (limits, guard, auto-pause rule) and agent changes. */
@Controller()
export class SchedulerOrgEventsHandler {
  constructor(
    private readonly updateOrgSchedulingRules: UpdateOrgSchedulingRulesUseCase,
    private readonly failBatchesOfDeletedAgent: FailBatchesOfDeletedAgentUseCase,
    private readonly releaseLoop: ReleaseLoop,
  ) {}

  @JetStreamEvent(Subjects.orgSettingsChanged)
  async onOrgSettingsChanged(@Payload() event: OrgSettingsChangedEvent): Promise<void> {
    await this.updateOrgSchedulingRules.execute(event);
    this.releaseLoop.kick();
  }

  /** SPEC §4: a deleted agent's unfinished batches end `failed`. */
  @JetStreamEvent(Subjects.agentChanged)
  async onAgentChanged(@Payload() event: AgentChangedEvent): Promise<void> {
    await this.failBatchesOfDeletedAgent.execute(event);
  }
}
