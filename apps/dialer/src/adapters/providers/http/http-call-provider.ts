import { Inject, Injectable } from '@nestjs/common';
import { ProviderName } from '@outdial/contracts';
import { Clock, SERVICE_CONFIG } from '@outdial/service-runtime';

import { DialerEnv } from '../../../dialer-env';
import { CallProvider, CallProviderError, PlaceCallRequest, ProviderUnavailableError } from '../call-provider';
import { providerRequest, retryAfterMs } from '../provider-request';
import { signedHeaders } from './outdial-signature';

/** The body Outdial POSTs to an `http` agent's endpoint (SPEC §7). */
export interface HttpDialBody {
  call_id: string;
  agent_id: string;
  from: string;
  to: string;
  variables: Record<string, string>;
  callback_url: string;
}

/**
 * The `http` provider: a generic voice-agent platform. Outdial POSTs the call to the agent's
 * `endpoint_url` (signed like Outdial's webhooks); the platform answers 2xx (optionally with its
 * own `provider_call_id`) and later POSTs signed status events to `callback_url`. `call_id` is the
 * attempt id, so callbacks name the attempt they are about.
 *
 * At most once: only answers that prove the call was not taken (429, 503, connection refused) give
 * the admission back for a later retry; a timeout or 5xx may have started the call, so the attempt
 * ends `agent_error` instead of being dialed again.
 */
@Injectable()
export class HttpCallProvider implements CallProvider {
  readonly name: ProviderName = 'http';
  readonly needsAgentConfig = true;

  constructor(
    @Inject(SERVICE_CONFIG) private readonly env: DialerEnv,
    private readonly clock: Clock,
  ) {}

  async placeCall(request: PlaceCallRequest): Promise<{ provider_call_id: string }> {
    const endpoint = request.agent_config?.endpoint_url;
    if (typeof endpoint !== 'string' || !/^https?:\/\//.test(endpoint)) {
      throw new CallProviderError(`agent ${request.agent_id} has no http endpoint_url`, 'agent_error');
    }
    const body: HttpDialBody = {
      call_id: request.attempt_id,
      agent_id: request.agent_id,
      from: request.from,
      to: request.to,
      variables: request.variables,
      callback_url: `${this.env.PUBLIC_BASE_URL}/api/provider-events/http`,
    };
    const text = JSON.stringify(body);
    const headers: Record<string, string> = { 'Content-Type': 'application/json', 'User-Agent': 'Outdial-Dialer' };
    if (this.env.HTTP_PROVIDER_SIGNING_SECRET)
      Object.assign(headers, signedHeaders(this.env.HTTP_PROVIDER_SIGNING_SECRET, text, this.clock.nowMs()));
    const result = await providerRequest(
      endpoint,
      { method: 'POST', headers, body: text },
      this.env.PROVIDER_REQUEST_TIMEOUT_MS,
    );

    if (result.kind === 'not_sent')
      throw new ProviderUnavailableError(`agent endpoint unreachable: ${result.error}`, 2000);
    if (result.kind === 'unknown')
      throw new CallProviderError(`agent endpoint did not answer: ${result.error}`, 'agent_error');
    if (result.status === 429 || result.status === 503) {
      throw new ProviderUnavailableError(
        `agent endpoint answered ${result.status}`,
        retryAfterMs(result.headers.get('retry-after'), 2000, this.clock.nowMs()),
      );
    }
    if (result.status < 200 || result.status >= 300) {
      throw new CallProviderError(
        `agent endpoint answered ${result.status}: ${result.text.slice(0, 200)}`,
        'agent_error',
      );
    }
    return { provider_call_id: providerCallId(result.text) ?? request.attempt_id };
  }
}

function providerCallId(text: string): string | undefined {
  try {
    const parsed = JSON.parse(text) as { provider_call_id?: unknown };
    return typeof parsed.provider_call_id === 'string' && parsed.provider_call_id !== ''
      ? parsed.provider_call_id
      : undefined;
  } catch {
    return undefined;
  }
}
