import { Injectable } from '@nestjs/common';
import { MessageGrouper } from '@outdial/service-runtime';

import { GroupedEvent } from '../domain/event-group';
import { RecordEventGroupUseCase } from '../usecases/record-event-group/record-event-group.usecase';

/**
 * Messages handled at once per consumer (the JetStream `concurrency` of the grouped subjects): the
 * most one group can gather from one subject. Handlers of the call and contact subjects share one
 * queue, so a group mixes them.
 */
export const GROUPED_CONSUMER_CONCURRENCY = 64;

/**
 * The shared queue of the call and contact event handlers: each message waits (at most
 * LINGER_MS, or until MAX_GROUP messages) for others, then the whole group is applied in one
 * transaction (`RecordEventGroupUseCase`) and each message is settled on its own once the group
 * committed: ack, or nak with its own error (a batch not known yet). A group that fails as a whole
 * is applied again one message at a time (MessageGrouper, @outdial/service-runtime). Two groups at most are applied at
 * once (their batch locks are taken in batch_id order: no deadlock).
 */
@Injectable()
export class EventGroupQueue {
  static readonly LINGER_MS = 5;
  static readonly MAX_GROUP = 200;
  private readonly accumulator: MessageGrouper<GroupedEvent>;

  constructor(recordGroup: RecordEventGroupUseCase) {
    this.accumulator = new MessageGrouper((events) => recordGroup.execute(events), {
      maxItems: EventGroupQueue.MAX_GROUP,
      lingerMs: EventGroupQueue.LINGER_MS,
      maxInFlight: 2,
      onGroupError: 'one_by_one',
    });
  }

  /** Resolves once the event's group committed (the message may be acked); rejects with its own error. */
  submit(event: GroupedEvent): Promise<void> {
    return this.accumulator.submit(event);
  }
}
