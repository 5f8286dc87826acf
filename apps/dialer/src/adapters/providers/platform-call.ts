import { VoiceAgentPlatform } from '@outdial/contracts';

import { CallProviderError, PlaceCallRequest, ProviderUnavailableError } from './call-provider';
import { providerRequest, retryAfterMs } from './provider-request';

/** The metadata / dynamic-variable key that lets a platform's webhooks name the Outdial attempt. */
export const ATTEMPT_KEY = 'outdial_attempt_id';

/** What a platform's create-call answer means when it is not a success. */
export type CreateFailure =
  /** Provably not placed (429, 503, concurrency limit): give the admission back, retry later. */
  | { kind: 'retry'; reason: string }
  /** The attempt ends with this outcome. */
  | { kind: 'end'; outcome: 'invalid_number' | 'blocked' | 'agent_error' | 'carrier_error' | 'failed'; reason: string };

const CONCURRENCY = /concurren|too many (active|concurrent)|rate.?limit/i;
const INVALID_NUMBER =
  /(invalid|not a valid|must be a valid|not valid|malformed|unsupported).{0,40}(phone|number|e\.?164|to_number|recipient)|(phone|number|to_number|recipient|customer).{0,40}(invalid|not valid|must be a valid|malformed)/i;
const BLOCKED = /(blocked|do.not.call|dnc|blacklist|not allowed to call|geo.?permission)/i;

/**
 * One rule for every platform's create-call errors (their docs: 401 bad key, 402 billing, 400/422
 * validation, 429 rate or concurrency limit, 5xx server error). Only answers that prove the call was
 * not placed are retried: 429, 503, or a body saying a concurrency limit was reached. A 5xx or a
 * timeout may have started the call, so the attempt ends (`agent_error`) rather than risk a second dial.
 */
export function classifyPlatformFailure(platform: VoiceAgentPlatform, status: number, text: string): CreateFailure {
  const message = errorMessage(text);
  const reason = `${platform} ${status}: ${message}`;
  if (status === 429 || status === 503 || CONCURRENCY.test(message)) return { kind: 'retry', reason };
  if (status === 401 || status === 403)
    return { kind: 'end', outcome: 'agent_error', reason: `${reason} (the agent's api_key was refused)` };
  if (status === 402) return { kind: 'end', outcome: 'agent_error', reason: `${reason} (billing)` };
  if (status === 400 || status === 404 || status === 422) {
    if (INVALID_NUMBER.test(message)) return { kind: 'end', outcome: 'invalid_number', reason };
    if (BLOCKED.test(message)) return { kind: 'end', outcome: 'blocked', reason };
    return { kind: 'end', outcome: 'agent_error', reason };
  }
  if (status >= 500)
    return { kind: 'end', outcome: 'agent_error', reason: `${reason} (not retried: the call may have been created)` };
  return { kind: 'end', outcome: 'failed', reason };
}

/** The human-readable error of a platform's JSON error body (message / error / detail[] / errors[]), else the text. */
export function errorMessage(text: string): string {
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    const parts: string[] = [];
    const add = (v: unknown) => {
      if (typeof v === 'string') parts.push(v);
      else if (Array.isArray(v)) v.forEach(add);
      else if (v && typeof v === 'object') {
        const o = v as Record<string, unknown>;
        add(o.msg ?? o.message ?? o.error);
        if (Array.isArray(o.loc)) parts.push(`(${o.loc.join('.')})`);
      }
    };
    add(body.message);
    add(body.error);
    add(body.detail);
    add(body.errors);
    if (parts.length > 0) return parts.join('; ').slice(0, 300);
  } catch {
    /* not JSON */
  }
  return text.slice(0, 300);
}

export interface PlatformCreateCall {
  platform: VoiceAgentPlatform;
  url: string;
  headers: Record<string, string>;
  body: unknown;
  timeoutMs: number;
  nowMs: number;
  /** The platform's call id in its success body; undefined when the body has none. */
  callId(json: Record<string, unknown>): string | undefined;
  /** A 2xx body that still says the call failed (ElevenLabs `success: false`, Bland `status: "error"`). */
  refusal?(json: Record<string, unknown>): string | undefined;
}

/** POSTs one create-call request and turns the answer into a call id or the right error. */
export async function createPlatformCall(call: PlatformCreateCall): Promise<{ provider_call_id: string }> {
  const result = await providerRequest(
    call.url,
    {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Accept: 'application/json',
        'User-Agent': 'Outdial-Dialer',
        ...call.headers,
      },
      body: JSON.stringify(call.body),
    },
    call.timeoutMs,
  );
  if (result.kind === 'not_sent')
    throw new ProviderUnavailableError(`${call.platform} unreachable: ${result.error}`, 2000);
  if (result.kind === 'unknown')
    throw new CallProviderError(
      `${call.platform} did not answer: ${result.error} (not retried: the call may have been created)`,
      'agent_error',
    );
  if (result.status >= 200 && result.status < 300) {
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(result.text) as Record<string, unknown>;
    } catch {
      throw new CallProviderError(`${call.platform} answered ${result.status} without JSON`, 'agent_error');
    }
    const refusal = call.refusal?.(json);
    if (refusal !== undefined) {
      const failure = classifyPlatformFailure(call.platform, 400, JSON.stringify({ message: refusal }));
      if (failure.kind === 'retry') throw new ProviderUnavailableError(failure.reason, 2000);
      throw new CallProviderError(
        failure.reason,
        failure.outcome === 'agent_error' ? 'carrier_error' : failure.outcome,
      );
    }
    const id = call.callId(json);
    if (!id) throw new CallProviderError(`${call.platform} accepted the call without a call id`, 'agent_error');
    return { provider_call_id: id };
  }
  const failure = classifyPlatformFailure(call.platform, result.status, result.text);
  if (failure.kind === 'retry')
    throw new ProviderUnavailableError(
      failure.reason,
      retryAfterMs(result.headers.get('retry-after'), 2000, call.nowMs),
    );
  throw new CallProviderError(failure.reason, failure.outcome);
}

/** The agent's opened API key, or an agent_error naming what is missing. */
export function requireApiKey(platform: VoiceAgentPlatform, request: PlaceCallRequest): string {
  const key = request.agent_secrets?.api_key;
  if (!key)
    throw new CallProviderError(
      `agent ${request.agent_id} has no ${platform} api_key (or it cannot be opened with this OUTDIAL_SECRETS_KEY)`,
      'agent_error',
      'provider_not_configured',
    );
  return key;
}

/** A required string of the agent's config, or an agent_error naming it. */
export function requireConfig(platform: VoiceAgentPlatform, request: PlaceCallRequest, field: string): string {
  const value = request.agent_config?.[field];
  if (typeof value !== 'string' || value === '')
    throw new CallProviderError(`agent ${request.agent_id} has no ${platform} config.${field}`, 'agent_error');
  return value;
}

export function optionalConfig(request: PlaceCallRequest, field: string): string | undefined {
  const value = request.agent_config?.[field];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function baseUrl(url: string): string {
  return url.replace(/\/$/, '');
}

/** The agent's webhook URL at the gateway (also the agent's `webhook_url` in the API). */
export function agentWebhookUrl(
  publicBaseUrl: string,
  platform: VoiceAgentPlatform,
  request: PlaceCallRequest,
): string {
  return `${baseUrl(publicBaseUrl)}/api/provider-events/${platform}?org_id=${encodeURIComponent(request.org_id)}&agent_id=${encodeURIComponent(request.agent_id)}`;
}

/** Ids that tie a platform's call back to Outdial (sent as the platform's call metadata). */
export function outdialMetadata(request: PlaceCallRequest): Record<string, string> {
  return {
    [ATTEMPT_KEY]: request.attempt_id,
    outdial_batch_id: request.batch_id,
    outdial_contact_id: request.contact_id,
  };
}
