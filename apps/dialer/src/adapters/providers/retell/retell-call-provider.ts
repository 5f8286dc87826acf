import { Injectable } from '@nestjs/common';

import { PlaceCallRequest } from '../call-provider';
import { optionalConfig, outdialMetadata, requireConfig } from '../platform-call';
import { PlatformCallProvider, PlatformCreateCallRequest } from '../platform-call-provider';

/**
 * The body of Retell's "Create Phone Call" (POST /v2/create-phone-call,
 * https://docs.retellai.com/api-references/create-phone-call): `from_number` (the agent's
 * config.from_number, else the batch's caller number; it must be a number of the Retell account),
 * `to_number`, `override_agent_id` (the agent's Retell agent), the contact's variables as
 * `retell_llm_dynamic_variables`, and Outdial's ids as `metadata` (echoed in webhooks as `call.metadata`).
 */
export function retellCreateCallBody(request: PlaceCallRequest): Record<string, unknown> {
  return {
    from_number: optionalConfig(request, 'from_number') ?? request.from,
    to_number: request.to,
    override_agent_id: requireConfig('retell', request, 'agent_id'),
    retell_llm_dynamic_variables: request.variables,
    metadata: outdialMetadata(request),
  };
}

/**
 * The `retell` provider: Create Phone Call with `Authorization: Bearer <API key>`; `call_id` is
 * the provider call id. Webhooks (the agent's webhook URL at Retell) are signed with the API key.
 * API base: RETELL_API_BASE_URL.
 */
@Injectable()
export class RetellCallProvider extends PlatformCallProvider {
  readonly name = 'retell';

  protected createCallRequest(request: PlaceCallRequest, apiKey: string): PlatformCreateCallRequest {
    return {
      apiBaseUrl: this.env.RETELL_API_BASE_URL,
      path: '/v2/create-phone-call',
      headers: { Authorization: `Bearer ${apiKey}` },
      body: retellCreateCallBody(request),
      callIdField: 'call_id',
    };
  }
}
