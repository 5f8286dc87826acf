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
 *   with AnsweredBy when MachineDetection was asked for.
 */
export interface TwilioCallScript {
  /** Final CallStatus: completed | busy | no-answer | failed | canceled. */
  final: 'completed' | 'busy' | 'no-answer' | 'failed' | 'canceled';
  answeredBy?: 'human' | 'machine_start' | 'machine_end_beep' | 'fax' | 'unknown';
  durationSeconds?: number;
  sipResponseCode?: string;
}

export interface ReceivedTwilioCall {
  sid: string;
  params: URLSearchParams;
}

export class FakeTwilio {
  readonly calls: ReceivedTwilioCall[] = [];
  readonly callbacks: { url: string; status: number; params: Record<string, string> }[] = [];
  private readonly scripts = new Map<string, TwilioCallScript>();
  private readonly failures: { status: number; code: number; message: string; headers?: Record<string, string> }[] = [];
  private server?: Server;
  url = '';
  /** Set to sign callbacks with another token (a forged callback). */
  callbackToken?: string;

  constructor(
    readonly accountSid: string,
    readonly authToken: string,
  ) {}

  script(to: string, script: TwilioCallScript): void {
    this.scripts.set(to, script);
  }

  /** The next create requests fail like this, in order. */
  failNext(status: number, code: number, message: string, headers?: Record<string, string>): void {
    this.failures.push({ status, code, message, headers });
  }

  async start(): Promise<void> {
    const { server, url } = await listen((request, body, response) => {
      const path = new URL(request.url ?? '/', 'http://x').pathname;
      const match = /^\/2010-04-01\/Accounts\/([^/]+)\/Calls\.json$/.exec(path);
      if (request.method !== 'POST' || !match) return json(response, 404, { code: 20404, message: 'The requested resource was not found', more_info: 'https://www.twilio.com/docs/errors/20404', status: 404 });
      const expected = `Basic ${Buffer.from(`${this.accountSid}:${this.authToken}`).toString('base64')}`;
      if (request.headers.authorization !== expected) return json(response, 401, { code: 20003, message: 'Authenticate', more_info: 'https://www.twilio.com/docs/errors/20003', status: 401 });
      if (match[1] !== this.accountSid) return json(response, 404, { code: 20404, message: `The requested resource /2010-04-01/Accounts/${match[1]}/Calls.json was not found`, more_info: 'https://www.twilio.com/docs/errors/20404', status: 404 });
      const failure = this.failures.shift();
      if (failure) return json(response, failure.status, { code: failure.code, message: failure.message, more_info: `https://www.twilio.com/docs/errors/${failure.code}`, status: failure.status }, failure.headers);
      const params = new URLSearchParams(body);
      const to = params.get('To') ?? '';
      if (!/^\+[1-9]\d{7,14}$/.test(to)) return json(response, 400, { code: 21211, message: `Invalid 'To' Phone Number: ${to}`, more_info: 'https://www.twilio.com/docs/errors/21211', status: 400 });
      if (!params.get('From')) return json(response, 400, { code: 21603, message: "A 'From' phone number is required.", more_info: 'https://www.twilio.com/docs/errors/21603', status: 400 });
      if (!params.get('Url') && !params.get('Twiml')) return json(response, 400, { code: 21205, message: 'Url parameter is required.', more_info: 'https://www.twilio.com/docs/errors/21205', status: 400 });
      const sid = `CA${randomBytes(16).toString('hex')}`;
      this.calls.push({ sid, params });
      json(response, 201, { sid, account_sid: this.accountSid, to, from: params.get('From'), status: 'queued', direction: 'outbound-api', uri: `/2010-04-01/Accounts/${this.accountSid}/Calls/${sid}.json` });
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

  /** Plays the call: the asked-for status callbacks in order, a little apart. */
  private async drive(sid: string, params: URLSearchParams): Promise<void> {
    const callbackUrl = params.get('StatusCallback');
    if (!callbackUrl) return;
    const wanted = new Set(params.getAll('StatusCallbackEvent').length ? params.getAll('StatusCallbackEvent') : ['completed']);
    const script = this.scripts.get(params.get('To')!) ?? { final: 'completed', answeredBy: 'human', durationSeconds: 3 };
    const amd = params.get('MachineDetection') === 'Enable' || params.get('MachineDetection') === 'DetectMessageEnd';
    const answered = script.final === 'completed';
    const steps: { event: string; status: string; extra?: Record<string, string> }[] = [{ event: 'initiated', status: 'initiated' }, { event: 'ringing', status: 'ringing' }];
    if (answered) steps.push({ event: 'answered', status: 'in-progress', extra: amd ? { AnsweredBy: script.answeredBy ?? 'human' } : {} });
    const final: Record<string, string> = { CallDuration: String(answered ? (script.durationSeconds ?? 3) : 0) };
    if (answered && amd) final.AnsweredBy = script.answeredBy ?? 'human';
    if (script.sipResponseCode) final.SipResponseCode = script.sipResponseCode;
    steps.push({ event: 'completed', status: script.final, extra: final });
    let sequence = 0;
    for (const step of steps) {
      if (!wanted.has(step.event)) continue;
      await sleep(20);
      const form: Record<string, string> = {
        AccountSid: this.accountSid,
        CallSid: sid,
        CallStatus: step.status,
        From: params.get('From')!,
        To: params.get('To')!,
        Direction: 'outbound-api',
        ApiVersion: '2010-04-01',
        SequenceNumber: String(sequence++),
        Timestamp: new Date().toUTCString().replace('GMT', '+0000'),
        CallbackSource: 'call-progress-events',
        ...step.extra,
      };
      const signature = signTwilio(this.callbackToken ?? this.authToken, callbackUrl, form);
      const response = await fetch(callbackUrl, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': signature }, body: new URLSearchParams(form).toString() });
      this.callbacks.push({ url: callbackUrl, status: response.status, params: form });
    }
  }
}

/** Twilio's documented signing algorithm, implemented independently of the gateway's. */
export function signTwilio(authToken: string, url: string, params: Record<string, string>): string {
  const data = url + Object.keys(params).sort().map((key) => key + params[key]).join('');
  return createHmac('sha1', authToken).update(data).digest('base64');
}
