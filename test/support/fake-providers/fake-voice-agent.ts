import { createHmac, timingSafeEqual } from 'node:crypto';
import { Server } from 'node:http';

import { json, listen, sleep } from './http-server';

/**
 * A local generic voice-agent platform (the `http` provider, SPEC §7). It accepts
 * `POST /calls {call_id, agent_id, from, to, variables, callback_url}` only with a valid Outdial
 * signature (X-Outdial-Timestamp + X-Outdial-Signature: sha256=HMAC(secret, "<ts>.<body>")),
 * answers `200 {provider_call_id}`, then POSTs signed JSON status events to callback_url:
 * ringing, answered (when the script says so), ended with the scripted outcome.
 */
export interface AgentCallScript {
  outcome: string;
  durationSeconds?: number;
  transcript?: string;
}

export interface ReceivedAgentCall {
  body: {
    call_id: string;
    agent_id: string;
    from: string;
    to: string;
    variables: Record<string, string>;
    callback_url: string;
  };
  providerCallId: string;
}

export class FakeVoiceAgent {
  readonly calls: ReceivedAgentCall[] = [];
  readonly rejectedRequests: string[] = [];
  readonly callbackStatuses: number[] = [];
  private readonly scripts = new Map<string, AgentCallScript>();
  private readonly failures: { status: number; headers?: Record<string, string> }[] = [];
  private server?: Server;
  private counter = 0;
  url = '';
  /** Sign callbacks with another secret (a forged callback). */
  callbackSecret?: string;

  constructor(readonly secret: string) {}

  get endpointUrl(): string {
    return `${this.url}/calls`;
  }

  script(to: string, script: AgentCallScript): void {
    this.scripts.set(to, script);
  }

  failNext(status: number, headers?: Record<string, string>): void {
    this.failures.push({ status, headers });
  }

  async start(): Promise<void> {
    const { server, url } = await listen((request, body, response) => {
      if (request.method !== 'POST' || request.url !== '/calls') return json(response, 404, { error: 'not found' });
      const ts = String(request.headers['x-outdial-timestamp'] ?? '');
      const signature = String(request.headers['x-outdial-signature'] ?? '');
      const expected = `sha256=${createHmac('sha256', this.secret).update(`${ts}.${body}`).digest('hex')}`;
      const fresh = Math.abs(Date.now() / 1000 - Number(ts)) <= 300;
      if (
        !fresh ||
        signature.length !== expected.length ||
        !timingSafeEqual(Buffer.from(signature), Buffer.from(expected))
      ) {
        this.rejectedRequests.push(body);
        return json(response, 401, { error: 'bad signature' });
      }
      const failure = this.failures.shift();
      if (failure) return json(response, failure.status, { error: `failing with ${failure.status}` }, failure.headers);
      const parsed = JSON.parse(body) as ReceivedAgentCall['body'];
      const providerCallId = `vx-${++this.counter}`;
      this.calls.push({ body: parsed, providerCallId });
      json(response, 200, { provider_call_id: providerCallId });
      void this.drive(parsed, providerCallId);
    });
    this.server = server;
    this.url = url;
  }

  async stop(): Promise<void> {
    // Keep-alive connections from the dialer would hold close() open.
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  private async drive(call: ReceivedAgentCall['body'], providerCallId: string): Promise<void> {
    const script = this.scripts.get(call.to) ?? { outcome: 'completed', durationSeconds: 2 };
    const answered = ['completed', 'voicemail', 'opted_out'].includes(script.outcome);
    const events: Record<string, unknown>[] = [{ event: 'ringing' }];
    if (answered) events.push({ event: 'answered' });
    events.push({
      event: 'ended',
      outcome: script.outcome,
      duration_seconds: answered ? (script.durationSeconds ?? 2) : 0,
      ...(script.transcript ? { transcript: script.transcript } : {}),
    });
    for (const event of events) {
      await sleep(20);
      const body = JSON.stringify({
        call_id: call.call_id,
        provider_call_id: providerCallId,
        at: new Date().toISOString(),
        ...event,
      });
      const ts = String(Math.floor(Date.now() / 1000));
      const signature = `sha256=${createHmac('sha256', this.callbackSecret ?? this.secret)
        .update(`${ts}.${body}`)
        .digest('hex')}`;
      const response = await fetch(call.callback_url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Outdial-Timestamp': ts, 'X-Outdial-Signature': signature },
        body,
      });
      this.callbackStatuses.push(response.status);
    }
  }
}
