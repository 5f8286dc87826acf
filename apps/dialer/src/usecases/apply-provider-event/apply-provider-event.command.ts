import { ProviderCallEvent } from '@outdial/contracts';

/** Apply one provider status event to its attempt (ApplyProviderEventUseCase), as delivered by the PROVIDER stream. */
export interface ApplyProviderEventCommand {
  event: ProviderCallEvent;
  /** JetStream's delivery count of the message (1 = first): decides how long an event waits for the dial record. */
  deliveryCount: number;
}
