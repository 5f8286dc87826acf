import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  AgentChangedEvent,
  BatchActionCommand,
  BatchActionResult,
  BatchIngestedEvent,
  CallDeclinedEvent,
  CallFinishedEvent,
  CallStartedEvent,
  ContactsChunkEvent,
  OrgSettingsChangedEvent,
  Subjects,
} from '@outdial/contracts';
import { JetStreamEvent, RpcHandler } from '@outdial/service-runtime';
import { OrgSettingsRepository } from '../persistence/org-settings.repository';
import { ApplyBatchActionUseCase } from '../usecases/apply-batch-action/apply-batch-action.usecase';
import { FailBatchesOfDeletedAgentUseCase } from '../usecases/fail-batches-of-deleted-agent/fail-batches-of-deleted-agent.usecase';
import { MarkCallStartedUseCase } from '../usecases/mark-call-started/mark-call-started.usecase';
import { ReceiveContactsUseCase } from '../usecases/receive-contacts/receive-contacts.usecase';
import { RecordCallOutcomeUseCase } from '../usecases/record-call-outcome/record-call-outcome.usecase';
import { RegisterBatchUseCase } from '../usecases/register-batch/register-batch.usecase';
import { ReleaseLoop } from '../usecases/release-contacts/release-loop';
import { ReturnDeclinedContactUseCase } from '../usecases/return-declined-contact/return-declined-contact.usecase';

@Controller()
export class SchedulerHandlers {
  constructor(
    private readonly registerBatch: RegisterBatchUseCase,
    private readonly receiveContacts: ReceiveContactsUseCase,
    private readonly markCallStarted: MarkCallStartedUseCase,
    private readonly recordCallOutcome: RecordCallOutcomeUseCase,
    private readonly returnDeclined: ReturnDeclinedContactUseCase,
    private readonly applyBatchAction: ApplyBatchActionUseCase,
    private readonly orgSettings: OrgSettingsRepository,
    private readonly releaseLoop: ReleaseLoop,
    private readonly failBatchesOfDeletedAgent: FailBatchesOfDeletedAgentUseCase,
  ) {}

  @JetStreamEvent(Subjects.batchIngested, { maxDeliver: 50 })
  async onBatchIngested(@Payload() event: BatchIngestedEvent): Promise<void> {
    await this.registerBatch.execute(event);
  }

  @JetStreamEvent(Subjects.contactsChunk, { maxDeliver: 100, concurrency: 4 })
  async onContactsChunk(@Payload() chunk: ContactsChunkEvent): Promise<void> {
    await this.receiveContacts.execute(chunk);
    this.releaseLoop.kick();
  }

  @JetStreamEvent(Subjects.callStarted, { concurrency: 16 })
  async onCallStarted(@Payload() event: CallStartedEvent): Promise<void> {
    await this.markCallStarted.execute(event);
  }

  @JetStreamEvent(Subjects.callFinished, { concurrency: 16, maxDeliver: 50 })
  async onCallFinished(@Payload() event: CallFinishedEvent): Promise<void> {
    await this.recordCallOutcome.execute(event);
    this.releaseLoop.kick();
  }

  @JetStreamEvent(Subjects.callDeclined, { concurrency: 8, maxDeliver: 50 })
  async onCallDeclined(@Payload() event: CallDeclinedEvent): Promise<void> {
    await this.returnDeclined.execute(event);
    this.releaseLoop.kick();
  }

  @JetStreamEvent(Subjects.orgSettingsChanged)
  async onOrgSettingsChanged(@Payload() event: OrgSettingsChangedEvent): Promise<void> {
    await this.orgSettings.apply(event);
    this.releaseLoop.kick();
  }

  /** SPEC §4: a deleted agent's unfinished batches end `failed`. */
  @JetStreamEvent(Subjects.agentChanged)
  async onAgentChanged(@Payload() event: AgentChangedEvent): Promise<void> {
    await this.failBatchesOfDeletedAgent.execute(event);
  }

  @RpcHandler(Subjects.schedulerBatchAction)
  async onBatchAction(@Payload() command: BatchActionCommand): Promise<BatchActionResult> {
    const result = await this.applyBatchAction.execute(command);
    this.releaseLoop.kick();
    return result;
  }
}
