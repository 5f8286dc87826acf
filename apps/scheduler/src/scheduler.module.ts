import { Module } from '@nestjs/common';
import { SchedulerHandlers } from './handlers/scheduler.handlers';
import { OrgSettingsRepository } from './persistence/org-settings.repository';
import { ApplyBatchActionUseCase } from './usecases/apply-batch-action/apply-batch-action.usecase';
import { FailBatchesOfDeletedAgentUseCase } from './usecases/fail-batches-of-deleted-agent/fail-batches-of-deleted-agent.usecase';
import { MarkCallStartedUseCase } from './usecases/mark-call-started/mark-call-started.usecase';
import { ReceiveContactsUseCase } from './usecases/receive-contacts/receive-contacts.usecase';
import { RecordCallOutcomeUseCase } from './usecases/record-call-outcome/record-call-outcome.usecase';
import { RegisterBatchUseCase } from './usecases/register-batch/register-batch.usecase';
import { ReleaseContactsUseCase } from './usecases/release-contacts/release-contacts.usecase';
import { ReleaseLoop } from './usecases/release-contacts/release-loop';
import { ReturnDeclinedContactUseCase } from './usecases/return-declined-contact/return-declined-contact.usecase';
import { CallingWindows } from './windows/calling-windows';

@Module({
  controllers: [SchedulerHandlers],
  providers: [
    CallingWindows,
    OrgSettingsRepository,
    RegisterBatchUseCase,
    ReceiveContactsUseCase,
    MarkCallStartedUseCase,
    RecordCallOutcomeUseCase,
    ReturnDeclinedContactUseCase,
    ApplyBatchActionUseCase,
    ReleaseContactsUseCase,
    ReleaseLoop,
    FailBatchesOfDeletedAgentUseCase,
  ],
})
export class SchedulerModule {}
