import { Inject, Injectable } from '@nestjs/common';
import { ProviderName } from '@outdial/contracts';
import { Clock, SERVICE_CONFIG } from '@outdial/service-runtime';
import { DialerEnv } from '../../../dialer-env';
import { CallProvider, PlaceCallRequest } from '../call-provider';
import { ATTEMPT_KEY, baseUrl, createPlatformCall, optionalConfig, requireApiKey, requireConfig } from '../platform-call';

/**
 * The body of ElevenLabs Agents' outbound call (POST /v1/convai/twilio/outbound-call,
 * https://elevenlabs.io/docs/api-reference/twilio/outbound-call; or /v1/convai/sip-trunk/outbound-call
 * with config.telephony = sip_trunk): `agent_id`, `agent_phone_number_id`, `to_number`, and the
 * contact's variables as `conversation_initiation_client_data.dynamic_variables` (the agent's
 * {{variables}}), plus `outdial_attempt_id`, which the post-call webhook echoes back.
 */
export function elevenlabsOutboundCallBody(request: PlaceCallRequest): Record<string, unknown> {
  return {
    agent_id: requireConfig('elevenlabs', request, 'agent_id'),
    agent_phone_number_id: requireConfig('elevenlabs', request, 'agent_phone_number_id'),
    to_number: request.to,
    conversation_initiation_client_data: { dynamic_variables: { ...request.variables, [ATTEMPT_KEY]: request.attempt_id } },
  };
}

export function elevenlabsOutboundCallPath(request: PlaceCallRequest): string {
  return optionalConfig(request, 'telephony') === 'sip_trunk' ? '/v1/convai/sip-trunk/outbound-call' : '/v1/convai/twilio/outbound-call';
}

/**
 * The `elevenlabs` provider: the outbound-call API with the `xi-api-key` header; `conversation_id`
 * is the provider call id (the post-call and call-initiation-failure webhooks name it). A 200 with
 * `success: false` is a call that could not be placed. API base: ELEVENLABS_API_BASE_URL.
 */
@Injectable()
export class ElevenLabsCallProvider implements CallProvider {
  readonly name: ProviderName = 'elevenlabs';
  readonly needsAgentConfig = true;

  constructor(
    @Inject(SERVICE_CONFIG) private readonly env: DialerEnv,
    private readonly clock: Clock,
  ) {}

  placeCall(request: PlaceCallRequest): Promise<{ provider_call_id: string }> {
    const key = requireApiKey('elevenlabs', request);
    return createPlatformCall({
      platform: 'elevenlabs',
      url: `${baseUrl(this.env.ELEVENLABS_API_BASE_URL)}${elevenlabsOutboundCallPath(request)}`,
      headers: { 'xi-api-key': key },
      body: elevenlabsOutboundCallBody(request),
      timeoutMs: this.env.PROVIDER_REQUEST_TIMEOUT_MS,
      nowMs: this.clock.nowMs(),
      callId: (json) => (typeof json.conversation_id === 'string' ? json.conversation_id : undefined),
      refusal: (json) => (json.success === false ? String(json.message ?? 'success: false') : undefined),
    });
  }
}
