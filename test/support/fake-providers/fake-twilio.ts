import { createHmac, randomBytes } from 'node:crypto';
import { Server } from 'node:http';

import { json, listen, sleep } from './http-server';

/**
 * A local stand-in for Twilio Programmable Voice that follows its published API contract:
 * - POST /2010-04-01/Accounts/{AccountSid}/Calls.json, form-encoded, HTTP basic auth (AccountSid:AuthToken);
 *   201 with the Call resource (sid "CA" + 32 hex, status "queued"); errors as
 *   `{code, message, more_info, status}`: 401/20003 bad credentials, 404/20404 other account,
 *   400/21211 invalid To, 400/21205 no Url/Twiml, 429/20429 (with Retry-After) when told to.
 * - status callbacks POSTed form-encoded to StatusCallback for the StatusCallbackEvent values asked,
 *   signed with X-Twilio-Signature = base64(HMAC-SHA1(AuthToken, URL + sorted name+value pairs)),
 *   with AnsweredBy when MachineDetection was asked for (synchronous AMD);
 * - asynchronous AMD (`AsyncAmd=true`): the status callbacks carry no AnsweredBy; the verdict is
 *   POSTed, signed the same way, to AsyncAmdStatusCallback with only AccountSid, CallSid,
 *   AnsweredBy and MachineDetectionDuration (no CallStatus), before or after the `completed`
 *   callback as the script says (Twilio orders nothing between the two callbacks);
 * - POST /2010-04-01/Accounts/{AccountSid}/Calls/{CallSid}.json with `Status=completed` hangs a
 *   live call up (its `completed` callback follows at once); 400/21220 when the call is not in
 *   progress, 404/20404 for an unknown call.
 */
export interface TwilioCallScript {
  /** Final CallStatus: completed | busy | no-answer | failed | canceled. */
  final: 'completed' | 'busy' | 'no-answer' | 'failed' | 'canceled';
  answeredBy?:
    'human' | 'machine_start' | 'machine_end_beep' | 'machine_end_silence' | 'machine_end_other' | 'fax' | 'unknown';
  durationSeconds?: number;
  sipResponseCode?: string;
  /** Async AMD: the verdict comes this many ms AFTER the completed callback; undefined: right after the answer. */
  verdictAfterCompletedMs?: number;
  /** Async AMD: MachineDetectionDuration of the verdict, in ms (default 2000). */
  machineDetectionMs?: number;
  /** Async AMD: the verdict callback is delivered twice (as a retried webhook would be). */
  duplicateVerdict?: boolean;
  /** Real time between the answer (and a verdict sent then) and the completed callback, in ms; a hang-up cuts it short. */
  talkMs?: number;
}

export interface ReceivedTwilioCall {
  sid: string;
  params: URLSearchParams;
}

export class FakeTwilio {
  readonly calls: ReceivedTwilioCall[] = [];
  readonly callbacks: { url: string; status: number; params: Record<string, string>; at: number }[] = [];
  /** Scripts per number: one per call placed to it, the last one repeating. */
  private readonly scripts = new Map<string, TwilioCallScript[]>();
  private readonly callsPerNumber = new Map<string, number>();
  /** Update requests (`Calls/{sid}.json`) received, in order. */
  readonly updates: { sid: string; params: Record<string, string>; status: number }[] = [];
  private readonly live = new Map<string, { answeredAt?: number; hangUp?: () => void; ended: boolean }>();
  private readonly failures: { status: number; code: number; message: string; headers?: Record<string, string> }[] = [];
  private server?: Server;
  url = '';
  /** Set to sign callbacks with another token (a forged callback). */
  callbackToken?: string;

  constructor(
    readonly accountSid: string,
    readonly authToken: string,
  ) {}

  /** How calls to `to` go: one script for every call, or one per call in order (the last repeats). */
  script(to: string, script: TwilioCallScript | TwilioCallScript[]): void {
    this.scripts.set(to, Array.isArray(script) ? script : [script]);
  }

  /** Every callback Twilio would have sent for this call so far (status and AMD), in order. */
  callbacksOf(sid: string): { url: string; status: number; params: Record<string, string>; at: number }[] {
    return this.callbacks.filter((c) => c.params.CallSid === sid);
  }

  /** The next create requests fail like this, in order. */
  failNext(status: number, code: number, message: string, headers?: Record<string, string>): void {
    this.failures.push({ status, code, message, headers });
  }

  async start(): Promise<void> {
    const { server, url } = await listen((request, body, response) => {
      const path = new URL(request.url ?? '/', 'http://x').pathname;
      const expected = `Basic ${Buffer.from(`${this.accountSid}:${this.authToken}`).toString('base64')}`;
      const update = /^\/2010-04-01\/Accounts\/([^/]+)\/Calls\/(CA[0-9a-f]{32})\.json$/.exec(path);
      if (request.method === 'POST' && update) {
        if (request.headers.authorization !== expected || update[1] !== this.accountSid)
          return json(response, 401, {
            code: 20003,
            message: 'Authenticate',
            more_info: 'https://www.twilio.com/docs/errors/20003',
            status: 401,
          });
        return this.updateCall(update[2], Object.fromEntries(new URLSearchParams(body)), response);
      }
      const match = /^\/2010-04-01\/Accounts\/([^/]+)\/Calls\.json$/.exec(path);
      if (request.method !== 'POST' || !match)
        return json(response, 404, {
          code: 20404,
          message: 'The requested resource was not found',
          more_info: 'https://www.twilio.com/docs/errors/20404',
          status: 404,
        });
      if (request.headers.authorization !== expected)
        return json(response, 401, {
          code: 20003,
          message: 'Authenticate',
          more_info: 'https://www.twilio.com/docs/errors/20003',
          status: 401,
        });
      if (match[1] !== this.accountSid)
        return json(response, 404, {
          code: 20404,
          message: `The requested resource /2010-04-01/Accounts/${match[1]}/Calls.json was not found`,
          more_info: 'https://www.twilio.com/docs/errors/20404',
          status: 404,
        });
      const failure = this.failures.shift();
      if (failure)
        return json(
          response,
          failure.status,
          {
            code: failure.code,
            message: failure.message,
            more_info: `https://www.twilio.com/docs/errors/${failure.code}`,
            status: failure.status,
          },
          failure.headers,
        );
      const params = new URLSearchParams(body);
      const to = params.get('To') ?? '';
      if (!/^\+[1-9]\d{7,14}$/.test(to))
        return json(response, 400, {
          code: 21211,
          message: `Invalid 'To' Phone Number: ${to}`,
          more_info: 'https://www.twilio.com/docs/errors/21211',
          status: 400,
        });
      if (!params.get('From'))
        return json(response, 400, {
          code: 21603,
          message: "A 'From' phone number is required.",
          more_info: 'https://www.twilio.com/docs/errors/21603',
          status: 400,
        });
      if (!params.get('Url') && !params.get('Twiml'))
        return json(response, 400, {
          code: 21205,
          message: 'Url parameter is required.',
          more_info: 'https://www.twilio.com/docs/errors/21205',
          status: 400,
        });
      const sid = `CA${randomBytes(16).toString('hex')}`;
      this.calls.push({ sid, params });
      json(response, 201, {
        sid,
        account_sid: this.accountSid,
        to,
        from: params.get('From'),
        status: 'queued',
        direction: 'outbound-api',
        uri: `/2010-04-01/Accounts/${this.accountSid}/Calls/${sid}.json`,
      });
      void this.drive(sid, params);
    });
    this.server = server;
    this.url = url;
  }

  async stop(): Promise<void> {
    // Keep-alive connections from the dialer would hold close() open.
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  /** "Update a Call resource": only `Status=completed` (hang up) is played. */
  private updateCall(sid: string, params: Record<string, string>, response: import('node:http').ServerResponse): void {
    const call = this.live.get(sid);
    const answer = (status: number, body: object) => {
      this.updates.push({ sid, params, status });
      json(response, status, body);
    };
    if (!this.calls.some((c) => c.sid === sid))
      return answer(404, {
        code: 20404,
        message: `The requested resource /Calls/${sid}.json was not found`,
        more_info: 'https://www.twilio.com/docs/errors/20404',
        status: 404,
      });
    if (params.Status !== 'completed' || !call || call.ended || !call.hangUp)
      return answer(400, {
        code: 21220,
        message: 'Call is not in-progress. Cannot redirect.',
        more_info: 'https://www.twilio.com/docs/errors/21220',
        status: 400,
      });
    call.hangUp();
    answer(200, { sid, account_sid: this.accountSid, status: 'completed' });
  }

  /** Plays the call: the asked-for status callbacks in order, a little apart, and the async AMD verdict. */
  private async drive(sid: string, params: URLSearchParams): Promise<void> {
    const callbackUrl = params.get('StatusCallback');
    if (!callbackUrl) return;
    const wanted = new Set(
      params.getAll('StatusCallbackEvent').length ? params.getAll('StatusCallbackEvent') : ['completed'],
    );
    const to = params.get('To')!;
    const nth = this.callsPerNumber.get(to) ?? 0;
    this.callsPerNumber.set(to, nth + 1);
    const scripts = this.scripts.get(to);
    const script = scripts?.[Math.min(nth, scripts.length - 1)] ?? {
      final: 'completed',
      answeredBy: 'human',
      durationSeconds: 3,
    };
    const amd = params.get('MachineDetection') === 'Enable' || params.get('MachineDetection') === 'DetectMessageEnd';
    const asyncAmd = amd && params.get('AsyncAmd') === 'true';
    const answered = script.final === 'completed';
    const syncVerdict: Record<string, string> = amd && !asyncAmd ? { AnsweredBy: script.answeredBy ?? 'human' } : {};
    const steps: { event: string; status: string; extra?: Record<string, string> }[] = [
      { event: 'initiated', status: 'initiated' },
      { event: 'ringing', status: 'ringing' },
    ];
    if (answered) steps.push({ event: 'answered', status: 'in-progress', extra: syncVerdict });
    const final: Record<string, string> = { CallDuration: String(answered ? (script.durationSeconds ?? 3) : 0) };
    if (answered) Object.assign(final, syncVerdict);
    if (script.sipResponseCode) final.SipResponseCode = script.sipResponseCode;
    steps.push({ event: 'completed', status: script.final, extra: final });
    const verdict = async () => {
      const amdUrl = params.get('AsyncAmdStatusCallback');
      if (!amdUrl) return;
      const form = {
        AccountSid: this.accountSid,
        CallSid: sid,
        AnsweredBy: script.answeredBy ?? 'human',
        MachineDetectionDuration: String(script.machineDetectionMs ?? 2000),
      };
      for (let i = 0; i < (script.duplicateVerdict ? 2 : 1); i++) await this.post(amdUrl, form);
    };
    const state: { answeredAt?: number; hangUp?: () => void; ended: boolean } = { ended: false };
    this.live.set(sid, state);
    let sequence = 0;
    for (const step of steps) {
      if (step.event === 'completed') {
        if (asyncAmd && answered && script.verdictAfterCompletedMs === undefined) await verdict();
        if (answered && script.talkMs) {
          // Talk time, which a hang-up (update Status=completed) cuts short.
          const hungUp = await new Promise<boolean>((resolve) => {
            const timer = setTimeout(() => resolve(false), script.talkMs);
            state.hangUp = () => {
              clearTimeout(timer);
              resolve(true);
            };
          });
          state.hangUp = undefined;
          if (hungUp)
            step.extra = {
              ...step.extra,
              CallDuration: String(Math.round((Date.now() - (state.answeredAt ?? Date.now())) / 1000)),
            };
        }
        state.ended = true;
      }
      if (step.event === 'answered') state.answeredAt = Date.now();
      if (!wanted.has(step.event)) continue;
      await sleep(20);
      await this.post(callbackUrl, {
        AccountSid: this.accountSid,
        CallSid: sid,
        CallStatus: step.status,
        From: params.get('From')!,
        To: to,
        Direction: 'outbound-api',
        ApiVersion: '2010-04-01',
        SequenceNumber: String(sequence++),
        Timestamp: new Date().toUTCString().replace('GMT', '+0000'),
        CallbackSource: 'call-progress-events',
        ...step.extra,
      });
    }
    if (asyncAmd && answered && script.verdictAfterCompletedMs !== undefined) {
      await sleep(script.verdictAfterCompletedMs);
      await verdict();
    }
  }

  /** One signed callback, as Twilio sends it (form-encoded POST with X-Twilio-Signature). */
  private async post(url: string, form: Record<string, string>): Promise<void> {
    const signature = signTwilio(this.callbackToken ?? this.authToken, url, form);
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': signature },
      body: new URLSearchParams(form).toString(),
    });
    await response.arrayBuffer();
    this.callbacks.push({ url, status: response.status, params: form, at: Date.now() });
  }
}

/** Twilio's documented signing algorithm, implemented independently of the gateway's. */
export function signTwilio(authToken: string, url: string, params: Record<string, string>): string {
  const data =
    url +
    Object.keys(params)
      .sort()
      .map((key) => key + params[key])
      .join('');
  return createHmac('sha1', authToken).update(data).digest('base64');
}
