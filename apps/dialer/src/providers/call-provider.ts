import { CallOutcome, ProviderName } from '@outdial/contracts';

/** What a provider needs to place one call. */
export interface PlaceCallRequest {
  attempt_id: string;
  batch_id: string;
  contact_id: string;
  attempt: number;
  org_id: string;
  agent_id: string;
  from: string;
  to: string;
  variables: Record<string, string>;
}

/**
 * Places calls; their progress comes back asynchronously as provider events
 * (Subjects.providerEvent), the same path for every provider.
 */
export interface CallProvider {
  readonly name: ProviderName;
  placeCall(request: PlaceCallRequest): Promise<{ provider_call_id: string }>;
}

/** A provider refused the call and said how the attempt ends (other errors end it `failed`). */
export class CallProviderError extends Error {
  constructor(
    message: string,
    readonly outcome: Extract<CallOutcome, 'failed' | 'carrier_error'> = 'failed',
  ) {
    super(message);
    this.name = 'CallProviderError';
  }
}

export const PROVIDER_NOT_AVAILABLE = 'provider not available';
