import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { ContactsChunkEvent, ContactUpdatedEvent, Subjects } from '@outdial/contracts';
import { JetStreamEvent } from '@outdial/service-runtime';

import { RecordContactsChunkUseCase } from '../usecases/record-contacts-chunk/record-contacts-chunk.usecase';
import { ReportingDeletedBatchGate } from './deleted-batch.gate';
import { EventGroupQueue, GROUPED_CONSUMER_CONCURRENCY } from './event-group-queue';

/**
 * Contact events into the read model: ingest's chunks (INGEST stream) and the scheduler's
 * decisions (CONTACT stream). Handlers only translate; settlement as in BatchEventsHandler. The
 * decisions go through the EventGroupQueue (many per transaction, each settled on its own).
 */
@Controller()
export class ContactEventsHandler {
  constructor(
    private readonly contactsChunk: RecordContactsChunkUseCase,
    private readonly groups: EventGroupQueue,
  ) {}

  @JetStreamEvent(Subjects.contactsChunk, { gate: ReportingDeletedBatchGate })
  onContactsChunk(@Payload() event: ContactsChunkEvent): Promise<void> {
    return this.contactsChunk.execute(event);
  }

  @JetStreamEvent(Subjects.contactUpdated, { concurrency: GROUPED_CONSUMER_CONCURRENCY })
  onContactUpdated(@Payload() event: ContactUpdatedEvent): Promise<void> {
    return this.groups.submit({ kind: 'contact_updated', event });
  }
}
