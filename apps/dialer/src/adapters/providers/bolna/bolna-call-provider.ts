import { Injectable } from '@nestjs/common';

import { PlaceCallRequest } from '../call-provider';
import { ATTEMPT_KEY, optionalConfig, requireConfig } from '../platform-call';
import { PlatformCallProvider, PlatformCreateCallRequest } from '../platform-call-provider';

/**
 * The body of Bolna's "Make Call" (POST /call, https://www.bolna.ai/docs/api-reference/calls/make):
 * `agent_id`, `recipient_phone_number`, `from_phone_number` when configured, and the contact's
 * variables as `user_data` (the prompt's {variables}), plus `outdial_attempt_id`, which the
 * execution webhook echoes in `context_details.recipient_data`.
 */
export function bolnaMakeCallBody(request: PlaceCallRequest): Record<string, unknown> {
  const body: Record<string, unknown> = {
    agent_id: requireConfig('bolna', request, 'agent_id'),
    recipient_phone_number: request.to,
    user_data: { ...request.variables, [ATTEMPT_KEY]: request.attempt_id },
  };
  const from = optionalConfig(request, 'from_number');
  if (from) body.from_phone_number = from;
  return body;
}

/**
 * The `bolna` provider: Make Call with `Authorization: Bearer <API key>`; `execution_id` is the
 * provider call id. The execution webhook is the agent's webhook URL at Bolna (with
 * `&token=<webhook_secret>`). API base: BOLNA_API_BASE_URL.
 */
@Injectable()
export class BolnaCallProvider extends PlatformCallProvider {
  readonly name = 'bolna';

  protected createCallRequest(request: PlaceCallRequest, apiKey: string): PlatformCreateCallRequest {
    return {
      apiBaseUrl: this.env.BOLNA_API_BASE_URL,
      path: '/call',
      headers: { Authorization: `Bearer ${apiKey}` },
      body: bolnaMakeCallBody(request),
      callIdField: 'execution_id',
    };
  }
}
