import { Injectable } from '@nestjs/common';

import { CallProviderError, PlaceCallRequest } from '../call-provider';
import { agentWebhookUrl, optionalConfig, outdialMetadata } from '../platform-call';
import { PlatformCallProvider, PlatformCreateCallRequest } from '../platform-call-provider';

/**
 * The body of Bland's "Send Call" (POST /v1/calls, https://docs.bland.ai/api-v1/post/calls):
 * `phone_number`, the agent's `pathway_id` or `task`, `voice` and `from` when configured, the
 * contact's variables as `request_data` (the prompt's {{variables}}), Outdial's ids as `metadata`,
 * `record: true`, and `webhook`: the agent's webhook URL at the gateway, called when the call ends.
 */
export function blandSendCallBody(request: PlaceCallRequest, webhookUrl: string): Record<string, unknown> {
  const pathway = optionalConfig(request, 'pathway_id');
  const task = optionalConfig(request, 'task');
  if (!pathway && !task)
    throw new CallProviderError(
      `agent ${request.agent_id} has neither bland config.pathway_id nor config.task`,
      'agent_error',
    );
  const body: Record<string, unknown> = { phone_number: request.to };
  if (pathway) body.pathway_id = pathway;
  else body.task = task;
  const voice = optionalConfig(request, 'voice');
  if (voice) body.voice = voice;
  const from = optionalConfig(request, 'from_number');
  if (from) body.from = from;
  body.request_data = request.variables;
  body.metadata = outdialMetadata(request);
  body.record = true;
  body.webhook = webhookUrl;
  return body;
}

/**
 * The `bland` provider: Send Call with the API key in the `authorization` header (no scheme, as
 * Bland documents); `call_id` is the provider call id; `status: "error"` is a refusal.
 * API base: BLAND_API_BASE_URL.
 */
@Injectable()
export class BlandCallProvider extends PlatformCallProvider {
  readonly name = 'bland';

  protected createCallRequest(request: PlaceCallRequest, apiKey: string): PlatformCreateCallRequest {
    return {
      apiBaseUrl: this.env.BLAND_API_BASE_URL,
      path: '/v1/calls',
      headers: { authorization: apiKey },
      body: blandSendCallBody(request, agentWebhookUrl(this.env.PUBLIC_BASE_URL, 'bland', request)),
      callIdField: 'call_id',
      refusal: (json) => (json.status === 'error' ? String(json.message ?? 'status: error') : undefined),
    };
  }
}
