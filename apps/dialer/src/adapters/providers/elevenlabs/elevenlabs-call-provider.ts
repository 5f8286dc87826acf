import { Injectable } from '@nestjs/common';

import { PlaceCallRequest } from '../call-provider';
import { ATTEMPT_KEY, optionalConfig, requireConfig } from '../platform-call';
import { PlatformCallProvider, PlatformCreateCallRequest } from '../platform-call-provider';

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
    conversation_initiation_client_data: {
      dynamic_variables: { ...request.variables, [ATTEMPT_KEY]: request.attempt_id },
    },
  };
}

export function elevenlabsOutboundCallPath(request: PlaceCallRequest): string {
  return optionalConfig(request, 'telephony') === 'sip_trunk'
    ? '/v1/convai/sip-trunk/outbound-call'
    : '/v1/convai/twilio/outbound-call';
}

/**
 * The `elevenlabs` provider: the outbound-call API with the `xi-api-key` header; `conversation_id`
 * is the provider call id (the post-call and call-initiation-failure webhooks name it). A 200 with
 * `success: false` is a call that could not be placed. API base: ELEVENLABS_API_BASE_URL.
 */
@Injectable()
export class ElevenLabsCallProvider extends PlatformCallProvider {
  readonly name = 'elevenlabs';

  protected createCallRequest(request: PlaceCallRequest, apiKey: string): PlatformCreateCallRequest {
    return {
      apiBaseUrl: this.env.ELEVENLABS_API_BASE_URL,
      path: elevenlabsOutboundCallPath(request),
      headers: { 'xi-api-key': apiKey },
      body: elevenlabsOutboundCallBody(request),
      callIdField: 'conversation_id',
      refusal: (json) => (json.success === false ? String(json.message ?? 'success: false') : undefined),
    };
  }
}
