import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { DialRequest, ProviderCallEvent, Subjects } from '@outdial/contracts';
import { JetStreamContext, JetStreamEvent } from '@outdial/service-runtime';
import { ApplyProviderEventUseCase } from '../usecases/apply-provider-event/apply-provider-event.usecase';
import { PlaceCallUseCase } from '../usecases/place-call/place-call.usecase';

/** Translates JetStream messages into use cases; settlement follows from returning or throwing. */
@Controller()
export class DialerEventsHandler {
  constructor(
    private readonly placeCall: PlaceCallUseCase,
    private readonly applyProviderEvent: ApplyProviderEventUseCase,
  ) {}

  // ack_wait well above a provider's answer time; max_deliver generous because a redelivery is
  // harmless (the admission conflict turns it into a no-op).
  @JetStreamEvent(Subjects.dialRequested, { concurrency: 16, ackWaitMs: 30_000, maxDeliver: 20 })
  async onDialRequested(@Payload() request: DialRequest): Promise<void> {
    await this.placeCall.execute(request);
  }

  @JetStreamEvent(Subjects.providerEvent, { concurrency: 16 })
  async onProviderEvent(@Payload() event: ProviderCallEvent, @Ctx() context: JetStreamContext): Promise<void> {
    await this.applyProviderEvent.execute(event, context.deliveryCount);
  }
}
