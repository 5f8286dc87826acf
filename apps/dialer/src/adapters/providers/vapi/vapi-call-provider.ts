import { Injectable } from '@nestjs/common';

import { PlaceCallRequest } from '../call-provider';
import { outdialMetadata, requireConfig } from '../platform-call';
import { PlatformCallProvider, PlatformCreateCallRequest } from '../platform-call-provider';

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
export class VapiCallProvider extends PlatformCallProvider {
  readonly name = 'vapi';

  protected createCallRequest(request: PlaceCallRequest, apiKey: string): PlatformCreateCallRequest {
    return {
      apiBaseUrl: this.env.VAPI_API_BASE_URL,
      path: '/call',
      headers: { Authorization: `Bearer ${apiKey}` },
      body: vapiCreateCallBody(request),
      callIdField: 'id',
    };
  }
}
