import { DialRequest } from '@outdial/contracts';

/** Place the call of one dial request (PlaceCallUseCase), as delivered by the DIAL work queue. */
export interface PlaceCallCommand {
  request: DialRequest;
  /** JetStream's delivery count of the message (1 = first): a just-created agent is waited for a few deliveries. Default 1. */
  deliveryCount?: number;
}
