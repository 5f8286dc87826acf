import { Module } from '@nestjs/common';
import { SchedulerHandlers } from './handlers/scheduler.handlers';
import { MarkCallStartedUseCase } from './usecases/mark-call-started/mark-call-started.usecase';
import { ReceiveContactsUseCase } from './usecases/receive-contacts/receive-contacts.usecase';
import { RecordCallOutcomeUseCase } from './usecases/record-call-outcome/record-call-outcome.usecase';
import { RegisterBatchUseCase } from './usecases/register-batch/register-batch.usecase';
import { ReleaseContactsUseCase } from './usecases/release-contacts/release-contacts.usecase';
import { ReleaseLoop } from './usecases/release-contacts/release-loop';

@Module({
  controllers: [SchedulerHandlers],
  providers: [RegisterBatchUseCase, ReceiveContactsUseCase, MarkCallStartedUseCase, RecordCallOutcomeUseCase, ReleaseContactsUseCase, ReleaseLoop],
})
export class SchedulerModule {}
