import { Inject, Injectable } from '@nestjs/common';
import { MachineDetectionConfigError, machineDetectionSettings, ProviderName } from '@outdial/contracts';
import { Clock, SERVICE_CONFIG } from '@outdial/service-runtime';

import { DialerEnv } from '../../../dialer-env';
import {
  CallProvider,
  CallProviderError,
  PlaceCallRequest,
  PlacedCall,
  ProviderUnavailableError,
} from '../call-provider';
import { providerRequest, retryAfterMs } from '../provider-request';
import { classifyCreateFailure, twilioError } from './twilio-create-errors';
import { machineDetectionParams } from './twilio-machine-detection';
import { twimlUrlWithVariables, twimlWithStreamParameters } from './twiml-variables';

/** In-process tries of one create before the admission is given back (each retry is a provable non-call). */
const CREATE_TRIES = 3;
const BACKOFF_MS = [250, 1000];

/** Status callbacks Outdial asks Twilio for (SPEC §5 outcomes are derived from them at the gateway). */
export const TWILIO_STATUS_EVENTS = ['initiated', 'ringing', 'answered', 'completed'];

/**
 * The query parameter of Twilio callback URLs that says the call was placed with asynchronous AMD:
 * the gateway then marks a `completed` without `AnsweredBy` as awaiting the verdict. It is part of
 * the signed URL, so a callback cannot add it.
 */
export const ASYNC_AMD_QUERY = 'amd=async';

const TWILIO_NOT_CONFIGURED = 'twilio is not configured (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN)';

/**
 * The `twilio` provider: Programmable Voice "create call" (POST /2010-04-01/Accounts/{Sid}/Calls.json,
 * form-encoded, basic auth) with status callbacks to the gateway and asynchronous answering-machine
 * detection as the agent's `machine_detection` config says (see twilio-machine-detection.ts: the
 * verdict callback goes to the same gateway route; machine_* and fax become `voicemail`). What the
 * call does once answered comes from the agent's config: `twiml_url` (Url) or `twiml` (inline TwiML).
 */
@Injectable()
export class TwilioCallProvider implements CallProvider {
  readonly name: ProviderName = 'twilio';
  readonly needsAgentConfig = true;

  constructor(
    @Inject(SERVICE_CONFIG) private readonly env: DialerEnv,
    private readonly clock: Clock,
  ) {}

  /** Without TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN no call can be placed. */
  notConfigured(): string | undefined {
    return this.env.TWILIO_ACCOUNT_SID && this.env.TWILIO_AUTH_TOKEN ? undefined : TWILIO_NOT_CONFIGURED;
  }

  async placeCall(request: PlaceCallRequest): Promise<PlacedCall> {
    const sid = this.env.TWILIO_ACCOUNT_SID;
    const token = this.env.TWILIO_AUTH_TOKEN;
    if (!sid || !token) throw new CallProviderError(TWILIO_NOT_CONFIGURED, 'failed', 'provider_not_configured');
    const form = new URLSearchParams({ To: request.to, From: request.from });
    const config = request.agent_config ?? {};
    if (typeof config.twiml_url === 'string' && config.twiml_url !== '')
      form.set('Url', twimlUrlWithVariables(config.twiml_url, request.variables));
    else if (typeof config.twiml === 'string' && config.twiml !== '')
      form.set('Twiml', twimlWithStreamParameters(config.twiml, request.variables));
    else
      throw new CallProviderError(
        `agent ${request.agent_id} has neither twiml_url nor twiml for twilio`,
        'agent_error',
      );
    let amd;
    try {
      amd = machineDetectionSettings(config);
    } catch (error) {
      if (error instanceof MachineDetectionConfigError)
        throw new CallProviderError(`agent ${request.agent_id}: ${error.message}`, 'agent_error');
      throw error;
    }
    const callbackUrl = `${this.env.PUBLIC_BASE_URL}/api/provider-events/twilio?attempt_id=${encodeURIComponent(request.attempt_id)}${amd.mode === 'off' ? '' : `&${ASYNC_AMD_QUERY}`}`;
    form.set('StatusCallback', callbackUrl);
    form.set('StatusCallbackMethod', 'POST');
    for (const event of TWILIO_STATUS_EVENTS) form.append('StatusCallbackEvent', event);
    for (const [name, value] of machineDetectionParams(amd, callbackUrl)) form.set(name, value);

    const url = this.callsUrl(sid);
    const headers = this.headers(sid, token);
    let lastReason = '';
    let wait = 0;
    for (let attempt = 1; attempt <= CREATE_TRIES; attempt++) {
      const result = await providerRequest(
        url,
        { method: 'POST', headers, body: form.toString() },
        this.env.PROVIDER_REQUEST_TIMEOUT_MS,
      );
      if (result.kind === 'unknown')
        throw new CallProviderError(
          `twilio did not answer: ${result.error} (not retried: the call may have been created)`,
          'carrier_error',
        );
      if (result.kind === 'response' && result.status >= 200 && result.status < 300) {
        const sidOfCall = (JSON.parse(result.text) as { sid?: string }).sid;
        if (!sidOfCall) throw new CallProviderError('twilio accepted the call without a sid', 'carrier_error');
        return { provider_call_id: sidOfCall, hangup_on_machine: amd.hangupOnMachine };
      }
      if (result.kind === 'not_sent') {
        lastReason = `twilio unreachable: ${result.error}`;
        wait = BACKOFF_MS[attempt - 1] ?? 2000;
      } else {
        const failure = classifyCreateFailure(result.status, result.text);
        if (failure.kind === 'end') throw new CallProviderError(failure.reason, failure.outcome);
        lastReason = failure.reason;
        wait = retryAfterMs(result.headers.get('retry-after'), BACKOFF_MS[attempt - 1] ?? 2000, this.clock.nowMs());
      }
      if (attempt < CREATE_TRIES && wait <= 5000) await new Promise((resolve) => setTimeout(resolve, wait));
      else break;
    }
    throw new ProviderUnavailableError(lastReason, Math.max(wait, 2000));
  }

  /**
   * Hangs up a call in progress: Twilio "Update a Call resource", POST
   * /2010-04-01/Accounts/{Sid}/Calls/{CallSid}.json with `Status=completed`. Throws
   * CallProviderError with Twilio's code and message when it refuses (21220: the call is not in
   * progress any more, e.g. it just ended).
   */
  async hangUp(providerCallId: string): Promise<void> {
    const sid = this.env.TWILIO_ACCOUNT_SID;
    const token = this.env.TWILIO_AUTH_TOKEN;
    if (!sid || !token) throw new CallProviderError('twilio is not configured (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN)');
    const url = `${this.callsUrl(sid).replace(/\.json$/, '')}/${encodeURIComponent(providerCallId)}.json`;
    const result = await providerRequest(
      url,
      {
        method: 'POST',
        headers: this.headers(sid, token),
        body: new URLSearchParams({ Status: 'completed' }).toString(),
      },
      this.env.PROVIDER_REQUEST_TIMEOUT_MS,
    );
    if (result.kind !== 'response') throw new CallProviderError(`twilio hang-up not answered: ${result.error}`);
    if (result.status < 200 || result.status >= 300)
      throw new CallProviderError(`hang-up refused: ${twilioError(result.status, result.text).reason}`);
  }

  private callsUrl(sid: string): string {
    return `${this.env.TWILIO_API_BASE_URL.replace(/\/$/, '')}/2010-04-01/Accounts/${encodeURIComponent(sid)}/Calls.json`;
  }

  private headers(sid: string, token: string): Record<string, string> {
    return {
      Authorization: `Basic ${Buffer.from(`${sid}:${token}`).toString('base64')}`,
      'Content-Type': 'application/x-www-form-urlencoded',
      Accept: 'application/json',
    };
  }
}
