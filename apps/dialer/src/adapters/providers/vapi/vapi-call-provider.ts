import { Inject, Injectable } from '@nestjs/common';
import { ProviderName } from '@outdial/contracts';
import { Clock, SERVICE_CONFIG } from '@outdial/service-runtime';
import { DialerEnv } from '../../../dialer-env';
import { CallProvider, PlaceCallRequest } from '../call-provider';
import { baseUrl, createPlatformCall, outdialMetadata, requireApiKey, requireConfig } from '../platform-call';

/**
 * The body of Vapi's "Create Call" (POST /call, https://docs.vapi.ai/api-reference/calls/create):
 * the agent's assistant and phone number, the contact as `customer`, the contact's variables as
 * `assistantOverrides.variableValues` (the assistant's {{variables}}), and Outdial's ids as
 * `metadata`, which Vapi echoes in every server-URL message as `call.metadata`.
 */
export function vapiCreateCallBody(request: PlaceCallRequest): Record<string, unknown> {
  const customer: Record<string, string> = { number: request.to };
  if (request.variables.name) customer.name = request.variables.name;
  return {
    assistantId: requireConfig('vapi', request, 'assistant_id'),
    phoneNumberId: requireConfig('vapi', request, 'phone_number_id'),
    customer,
    assistantOverrides: { variableValues: request.variables },
    metadata: outdialMetadata(request),
  };
}

/**
 * The `vapi` provider: Vapi's Create Call with `Authorization: Bearer <private API key>`; the call
 * id (`id`) is the provider call id. Progress and the end come to the agent's server URL
 * (`/api/provider-events/vapi?org_id=&agent_id=`, with the agent's `webhook_secret` as Vapi's
 * server secret). API base: VAPI_API_BASE_URL.
 */
@Injectable()
export class VapiCallProvider implements CallProvider {
  readonly name: ProviderName = 'vapi';
  readonly needsAgentConfig = true;

  constructor(
    @Inject(SERVICE_CONFIG) private readonly env: DialerEnv,
    private readonly clock: Clock,
  ) {}

  placeCall(request: PlaceCallRequest): Promise<{ provider_call_id: string }> {
    const key = requireApiKey('vapi', request);
    return createPlatformCall({
      platform: 'vapi',
      url: `${baseUrl(this.env.VAPI_API_BASE_URL)}/call`,
      headers: { Authorization: `Bearer ${key}` },
      body: vapiCreateCallBody(request),
      timeoutMs: this.env.PROVIDER_REQUEST_TIMEOUT_MS,
      nowMs: this.clock.nowMs(),
      callId: (json) => (typeof json.id === 'string' ? json.id : undefined),
    });
  }
}
