import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { BatchIngestedEvent, ContactsChunkEvent, Subjects } from '@outdial/contracts';
import { JetStreamEvent } from '@outdial/service-runtime';

import { ReceiveContactsUseCase } from '../usecases/receive-contacts/receive-contacts.usecase';
import { RegisterBatchUseCase } from '../usecases/register-batch/register-batch.usecase';
import { SchedulerDeletedBatchGate } from './deleted-batch.gate';
import { ReleaseLoop } from './release-loop';

/** Batches handed over by ingest: the batch itself, then its contacts in chunks. */
@Controller()
export class SchedulerBatchEventsHandler {
  constructor(
    private readonly registerBatch: RegisterBatchUseCase,
    private readonly receiveContacts: ReceiveContactsUseCase,
    private readonly releaseLoop: ReleaseLoop,
  ) {}

  @JetStreamEvent(Subjects.batchIngested, { maxDeliver: 50 })
  async onBatchIngested(@Payload() event: BatchIngestedEvent): Promise<void> {
    await this.registerBatch.execute(event);
  }

  @JetStreamEvent(Subjects.contactsChunk, { maxDeliver: 100, concurrency: 4, gate: SchedulerDeletedBatchGate })
  async onContactsChunk(@Payload() chunk: ContactsChunkEvent): Promise<void> {
    await this.receiveContacts.execute(chunk);
    this.releaseLoop.kick();
  }
}
