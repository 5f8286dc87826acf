import { Inject, Injectable } from '@nestjs/common';
import { VoiceAgentPlatform } from '@outdial/contracts';
import { Clock, SERVICE_CONFIG } from '@outdial/service-runtime';

import { DialerEnv } from '../../dialer-env';
import { CallProvider, PlaceCallRequest } from './call-provider';
import { baseUrl, createPlatformCall, requireApiKey } from './platform-call';

/** One platform's create-call request for one call: what differs between the voice-agent platforms. */
export interface PlatformCreateCallRequest {
  /** The platform's API base URL (its `<PLATFORM>_API_BASE_URL`); a trailing slash is ignored. */
  apiBaseUrl: string;
  /** The create-call path, appended to the base URL (e.g. `/call`). */
  path: string;
  /** The authentication header(s) carrying the agent's API key. */
  headers: Record<string, string>;
  /** The JSON body (throws CallProviderError `agent_error` when the agent's config lacks a field). */
  body: unknown;
  /** The field of the success body holding the platform's call id (the provider call id). */
  callIdField: string;
  /** A 2xx body that still says the call failed (ElevenLabs `success: false`, Bland `status: "error"`). */
  refusal?(json: Record<string, unknown>): string | undefined;
}

/**
 * The common shape of the voice-agent platform providers (vapi, retell, elevenlabs, bland, bolna;
 * SPEC §7): each needs the agent's config and its opened `api_key`, and places a call with ONE JSON
 * POST whose answer `createPlatformCall` turns into a call id or the right error (retried only when
 * provably not placed, see `classifyPlatformFailure`). A platform says only what differs:
 * `createCallRequest`. The missing api_key is checked before the body is built (the same error
 * order for every platform); `placeCall` never throws synchronously, every error is a rejection.
 */
@Injectable()
export abstract class PlatformCallProvider implements CallProvider {
  abstract readonly name: VoiceAgentPlatform;
  readonly needsAgentConfig = true;

  constructor(
    @Inject(SERVICE_CONFIG) protected readonly env: DialerEnv,
    private readonly clock: Clock,
  ) {}

  /** The platform's create-call request for this call, authenticated with `apiKey`. */
  protected abstract createCallRequest(request: PlaceCallRequest, apiKey: string): PlatformCreateCallRequest;

  async placeCall(request: PlaceCallRequest): Promise<{ provider_call_id: string }> {
    const call = this.createCallRequest(request, requireApiKey(this.name, request));
    return createPlatformCall({
      platform: this.name,
      url: `${baseUrl(call.apiBaseUrl)}${call.path}`,
      headers: call.headers,
      body: call.body,
      timeoutMs: this.env.PROVIDER_REQUEST_TIMEOUT_MS,
      nowMs: this.clock.nowMs(),
      callId: (json) => (typeof json[call.callIdField] === 'string' ? (json[call.callIdField] as string) : undefined),
      refusal: call.refusal,
    });
  }
}
