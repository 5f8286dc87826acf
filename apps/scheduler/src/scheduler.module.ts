import { Module } from '@nestjs/common';

import { CallingWindowCache } from './adapters/calling-window-cache';
import { SchedulerBatchActionHandler } from './handlers/batch-action.handler';
import { SchedulerBatchEventsHandler } from './handlers/batch-events.handler';
import { SchedulerCallEventsHandler } from './handlers/call-events.handler';
import { SchedulerDeletedBatchGate } from './handlers/deleted-batch.gate';
import { SchedulerOrgEventsHandler } from './handlers/org-events.handler';
import { ReleaseLoop } from './handlers/release-loop';
import { BatchesRepository } from './persistence/batches.repository';
import { ContactsRepository } from './persistence/contacts.repository';
import { OrgSettingsRepository } from './persistence/org-settings.repository';
import { SchedulerMetrics } from './scheduler-metrics';
import { ApplyBatchActionUseCase } from './usecases/apply-batch-action/apply-batch-action.usecase';
import { ExpireNeverCallableContactsUseCase } from './usecases/expire-never-callable-contacts/expire-never-callable-contacts.usecase';
import { FailBatchesOfDeletedAgentUseCase } from './usecases/fail-batches-of-deleted-agent/fail-batches-of-deleted-agent.usecase';
import { HousekeepBatchesUseCase } from './usecases/housekeep-batches/housekeep-batches.usecase';
import { MarkCallStartedUseCase } from './usecases/mark-call-started/mark-call-started.usecase';
import { ReceiveContactsUseCase } from './usecases/receive-contacts/receive-contacts.usecase';
import { RecordCallOutcomeUseCase } from './usecases/record-call-outcome/record-call-outcome.usecase';
import { RecoverLostReleasesUseCase } from './usecases/recover-lost-releases/recover-lost-releases.usecase';
import { RegisterBatchUseCase } from './usecases/register-batch/register-batch.usecase';
import { ReleaseContactsUseCase } from './usecases/release-contacts/release-contacts.usecase';
import { ReturnDeclinedContactUseCase } from './usecases/return-declined-contact/return-declined-contact.usecase';
import { UpdateOrgSchedulingRulesUseCase } from './usecases/update-org-scheduling-rules/update-org-scheduling-rules.usecase';

/** The scheduler: batch lifecycle, calling windows, retries and the release of contacts to the dialer. */
@Module({
  controllers: [
    SchedulerBatchEventsHandler,
    SchedulerCallEventsHandler,
    SchedulerOrgEventsHandler,
    SchedulerBatchActionHandler,
  ],
  providers: [
    // adapters, persistence, metrics
    CallingWindowCache,
    BatchesRepository,
    ContactsRepository,
    OrgSettingsRepository,
    SchedulerMetrics,
    SchedulerDeletedBatchGate,
    // use cases
    RegisterBatchUseCase,
    ReceiveContactsUseCase,
    MarkCallStartedUseCase,
    RecordCallOutcomeUseCase,
    ReturnDeclinedContactUseCase,
    ApplyBatchActionUseCase,
    UpdateOrgSchedulingRulesUseCase,
    FailBatchesOfDeletedAgentUseCase,
    HousekeepBatchesUseCase,
    ReleaseContactsUseCase,
    ExpireNeverCallableContactsUseCase,
    RecoverLostReleasesUseCase,
    // loops
    ReleaseLoop,
  ],
})
export class SchedulerModule {}
