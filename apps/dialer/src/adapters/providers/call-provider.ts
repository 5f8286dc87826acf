import { CallOutcome, ProviderName, UnrecoverableReason } from '@outdial/contracts';

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
  /** The agent's non-secret provider config as the gateway announced it (e.g. `endpoint_url`); undefined when unknown. */
  agent_config?: Record<string, unknown>;
  /** The agent's opened provider secrets (`api_key`, `webhook_secret`) for voice-agent platforms; never logged. */
  agent_secrets?: Record<string, string>;
}

/**
 * Places calls; their progress comes back asynchronously as provider events
 * (Subjects.providerEvent), the same path for every provider.
 */
export interface CallProvider {
  readonly name: ProviderName;
  /** Whether placing a call needs the agent's config (`v1.org.agent_changed`). */
  readonly needsAgentConfig?: boolean;
  /**
   * Why this provider cannot place any call in this deployment (e.g. twilio without credentials),
   * or undefined when it can: the attempt then ends `failed` with `unrecoverable_reason:
   * provider_not_configured` before admission and before the agent is looked up.
   */
  notConfigured?(): string | undefined;
  /** `hangup_on_machine`: the agent wants the call hung up on a machine verdict (see `hangUp`). */
  placeCall(request: PlaceCallRequest): Promise<PlacedCall>;
  /** Ends a call in progress (providers that can); throws CallProviderError when the provider refuses. */
  hangUp?(providerCallId: string): Promise<void>;
}

export interface PlacedCall {
  provider_call_id: string;
  hangup_on_machine?: boolean;
}

/**
 * A provider refused the call and said how the attempt ends (other errors end it `failed`).
 * `unrecoverable`: no later attempt of the batch can get past it (the provider is not configured,
 * e.g. twilio without credentials or a platform agent without its api_key): carried on
 * `v1.call.finished` as `unrecoverable_reason`, so the scheduler ends the batch `failed`.
 */
export class CallProviderError extends Error {
  constructor(
    message: string,
    readonly outcome: Exclude<CallOutcome, 'completed' | 'voicemail' | 'busy' | 'no_answer' | 'timeout'> = 'failed',
    readonly unrecoverable?: UnrecoverableReason,
  ) {
    super(message);
    this.name = 'CallProviderError';
  }
}

export const PROVIDER_NOT_AVAILABLE = 'provider not available';

/**
 * The provider provably did not place the call (429, 503, connection refused before anything was
 * sent): the admission may be taken back and the request retried later without risking a second dial.
 */
export class ProviderUnavailableError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs: number,
  ) {
    super(message);
    this.name = 'ProviderUnavailableError';
  }
}
