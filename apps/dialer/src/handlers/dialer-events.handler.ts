import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import {
  AgentChangedEvent,
  BatchDeletedEvent,
  BatchStatusChangedEvent,
  DialRequest,
  OrgSettingsChangedEvent,
  ProviderCallEvent,
  Subjects,
} from '@outdial/contracts';
import { JetStreamContext, JetStreamEvent, MessageGrouper } from '@outdial/service-runtime';

import { ApplyProviderEventCommand } from '../usecases/apply-provider-event/apply-provider-event.command';
import { ApplyProviderEventGroupUseCase } from '../usecases/apply-provider-event-group/apply-provider-event-group.usecase';
import { DeleteBatchAttemptsUseCase } from '../usecases/delete-batch-attempts/delete-batch-attempts.usecase';
import { PlaceCallUseCase } from '../usecases/place-call/place-call.usecase';
import { TrackAgentUseCase } from '../usecases/track-agent/track-agent.usecase';
import { TrackBatchStatusUseCase } from '../usecases/track-batch-status/track-batch-status.usecase';
import { TrackOrgSettingsUseCase } from '../usecases/track-org-settings/track-org-settings.usecase';

/**
 * A refused admission is redelivered (nak with the wait it needs) until it is admitted, declined or
 * its call timeout passes, so the delivery budget must never run out first: JetStream counts every
 * redelivery. A million deliveries at >= 5 ms apart outlast any call timeout (max 1 day of waiting
 * costs ~350k deliveries at the default 250 ms poll); invalid payloads are still terminated at once.
 */
export const DIAL_MAX_DELIVER = 1_000_000;
export const DIAL_ACK_WAIT_MS = 6_000;
/**
 * Dial requests handled at once by one replica: what one admission group can gather
 * (ADMISSION_GROUP). 16 made groups of ~16 and left the DIAL stream queued at 8 x 50 open slots (bench/scale).
 */
export const DIAL_CONCURRENCY = 64;

/**
 * Provider events are applied in groups (issue 16): at most PROVIDER_GROUP.maxItems a group, the
 * first waiting at most lingerMs for company, two groups under way at once (their ends take the
 * slot counters in one order: no deadlock), never two with events of one attempt (providerEventKey).
 * The consumer's concurrency bounds what one group can gather. Fewer groups under way and a longer
 * linger make larger groups: with 3 dialers each sees a third of the events, and 4 groups of 5 ms
 * made groups of ~3 events and ~7x the statements per contact of 1 dialer (bench/scale: 2 groups of
 * 20 ms took 3 dialers from 83 to 113 contacts/s; 20 ms is nothing next to a call's own timing).
 */
export const PROVIDER_GROUP = { maxItems: 64, lingerMs: 20, maxInFlight: 2 } as const;

/**
 * The key of a provider event in its grouper: its attempt (or the platform's call). Events of an
 * attempt a group under way is applying wait for the next group (MessageGrouper keyOf): two groups
 * of this replica never write one attempt at once (each would read it before the other wrote, and
 * one guarded write would miss and go the one-event path, ~1 extra statement a contact, bench/scale).
 */
export const providerEventKey = ({ event }: ApplyProviderEventCommand): string =>
  event.attempt_id || `${event.provider}:${event.provider_call_id}`;
export const PROVIDER_EVENT_CONCURRENCY = 128;

/** Translates JetStream messages into use cases; settlement follows from returning or throwing. */
@Controller()
export class DialerEventsHandler {
  private readonly providerEvents: MessageGrouper<ApplyProviderEventCommand>;

  constructor(
    private readonly placeCall: PlaceCallUseCase,
    applyProviderEvents: ApplyProviderEventGroupUseCase,
    private readonly trackOrgSettings: TrackOrgSettingsUseCase,
    private readonly trackAgent: TrackAgentUseCase,
    private readonly trackBatchStatus: TrackBatchStatusUseCase,
    private readonly deleteBatch: DeleteBatchAttemptsUseCase,
  ) {
    this.providerEvents = new MessageGrouper((commands) => applyProviderEvents.execute(commands), {
      ...PROVIDER_GROUP,
      keyOf: providerEventKey,
    });
  }

  // A short ack_wait so a killed replica's requests come back soon; a slow provider request keeps
  // its message with working() heartbeats. Refusals settle at once with a nak, holding nothing.
  @JetStreamEvent(Subjects.dialRequested, {
    concurrency: DIAL_CONCURRENCY,
    ackWaitMs: DIAL_ACK_WAIT_MS,
    maxDeliver: DIAL_MAX_DELIVER,
  })
  async onDialRequested(@Payload() request: DialRequest, @Ctx() context: JetStreamContext): Promise<void> {
    const heartbeat = setInterval(() => context.working(), DIAL_ACK_WAIT_MS / 3);
    try {
      await this.placeCall.execute({ request, deliveryCount: context.deliveryCount });
    } finally {
      clearInterval(heartbeat);
    }
  }

  // Settled on its own once its group was applied: ack, or nak / dead-letter with its own error.
  @JetStreamEvent(Subjects.providerEvent, { concurrency: PROVIDER_EVENT_CONCURRENCY })
  async onProviderEvent(@Payload() event: ProviderCallEvent, @Ctx() context: JetStreamContext): Promise<void> {
    await this.providerEvents.submit({ event, deliveryCount: context.deliveryCount });
  }

  @JetStreamEvent(Subjects.orgSettingsChanged, { maxDeliver: 100 })
  async onOrgSettingsChanged(@Payload() event: OrgSettingsChangedEvent): Promise<void> {
    await this.trackOrgSettings.execute(event);
  }

  @JetStreamEvent(Subjects.agentChanged, { maxDeliver: 100 })
  async onAgentChanged(@Payload() event: AgentChangedEvent): Promise<void> {
    await this.trackAgent.execute(event);
  }

  @JetStreamEvent(Subjects.batchStatusChanged, { maxDeliver: 100 })
  async onBatchStatusChanged(@Payload() event: BatchStatusChangedEvent): Promise<void> {
    await this.trackBatchStatus.execute(event);
  }

  @JetStreamEvent(Subjects.batchDeleted, { maxDeliver: 100 })
  async onBatchDeleted(@Payload() event: BatchDeletedEvent): Promise<void> {
    await this.deleteBatch.execute(event);
  }
}
