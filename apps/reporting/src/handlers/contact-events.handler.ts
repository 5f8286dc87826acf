import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { ContactsChunkEvent, ContactUpdatedEvent, Subjects } from '@outdial/contracts';
import { JetStreamEvent } from '@outdial/service-runtime';

import { RecordContactUpdateUseCase } from '../usecases/record-contact-update/record-contact-update.usecase';
import { RecordContactsChunkUseCase } from '../usecases/record-contacts-chunk/record-contacts-chunk.usecase';
import { ReportingDeletedBatchGate } from './deleted-batch.gate';

/**
 * Contact events into the read model: ingest's chunks (INGEST stream) and the scheduler's
 * decisions (CONTACT stream). Handlers only translate; settlement as in BatchEventsHandler.
 */
@Controller()
export class ContactEventsHandler {
  constructor(
    private readonly contactsChunk: RecordContactsChunkUseCase,
    private readonly contactUpdate: RecordContactUpdateUseCase,
  ) {}

  @JetStreamEvent(Subjects.contactsChunk, { gate: ReportingDeletedBatchGate })
  onContactsChunk(@Payload() event: ContactsChunkEvent): Promise<void> {
    return this.contactsChunk.execute(event);
  }

  @JetStreamEvent(Subjects.contactUpdated)
  onContactUpdated(@Payload() event: ContactUpdatedEvent): Promise<void> {
    return this.contactUpdate.execute(event);
  }
}
