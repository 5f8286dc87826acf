import { IncomingMessage, Server, ServerResponse } from 'node:http';

import { json, listen, sleep } from './http-server';

/** What a scripted contact does on one attempt, in Outdial's words; each fake turns it into its platform's own events. */
export type ScriptedOutcome = 'completed' | 'busy' | 'voicemail' | 'no_answer' | 'invalid_number';

export interface ScriptedCall {
  /** One outcome per attempt; the last repeats. */
  outcomes: ScriptedOutcome[];
  /** Talk time of completed / voicemail calls, in seconds. */
  durationSeconds?: number;
}

export interface AcceptedCall {
  callId: string;
  to: string;
  body: Record<string, any>;
  /** The contact's variables as the platform received them (its own field for them). */
  variables: Record<string, string>;
  /** The attempt of this number (1-based) as the platform counts create calls. */
  attempt: number;
  outcome: ScriptedOutcome;
  acceptedAt: number;
  endedAt?: number;
}

/** One webhook the platform sent and the gateway's answer. */
export interface SentWebhook {
  url: string;
  status: number;
  body: string;
}

/**
 * The common part of the voice-agent platform fakes: an HTTP server with the platform's create-call
 * route and auth, scripted outcomes per phone number, queued failures (401/422/429/500 with the
 * platform's error body), and asynchronous webhooks signed the platform's way. Subclasses say what
 * is platform-specific. Each accepted call sends its events after a short delay, then a duplicate
 * final event and (where the platform has one) a late progress event, as real platforms may.
 */
export abstract class FakePlatform {
  readonly accepted: AcceptedCall[] = [];
  readonly refused: { to: string; status: number }[] = [];
  readonly webhooks: SentWebhook[] = [];
  private readonly scripts = new Map<string, ScriptedCall>();
  private readonly failures: { status: number; body: unknown; headers?: Record<string, string> }[] = [];
  private readonly attempts = new Map<string, number>();
  private server?: Server;
  private active = 0;
  /** Largest number of calls this fake had in progress at once. */
  maxActive = 0;
  url = '';
  /** Where the platform sends webhooks (the dashboard setting for platforms with account/agent-level webhooks). */
  webhookUrl = '';
  /** Delay between a call's events, ms. */
  stepMs = 150;

  constructor(readonly apiKey: string) {}

  abstract readonly name: string;
  /** Method + path of create call. */
  protected abstract readonly createPath: string;
  /** Whether the request carries the platform's auth header with this API key. */
  protected abstract authorized(request: IncomingMessage): boolean;
  /** A validation problem of the body (→ the platform's 400/422), else undefined. */
  protected abstract validate(body: Record<string, any>): string | undefined;
  protected abstract to(body: Record<string, any>): string;
  protected abstract variablesOf(body: Record<string, any>): Record<string, string>;
  /** The success answer of create call. */
  protected abstract created(call: AcceptedCall): { status: number; body: unknown };
  /** The platform's error body for a status and message. */
  protected abstract errorBody(status: number, message: string): unknown;
  /** The webhook bodies the platform sends for a call, in order (the last one is the final event). */
  protected abstract events(call: AcceptedCall): unknown[];
  /** Which of events() ends the call (default the last; Retell's call_analyzed follows its call_ended). */
  protected endEventIndex(events: unknown[]): number {
    return events.length - 1;
  }
  /** A late progress event sent after the final one (null when the platform has none). */
  protected abstract lateEvent(call: AcceptedCall): unknown | null;
  /** Headers and URL of one webhook delivery (signatures). */
  protected abstract deliver(call: AcceptedCall, body: string): { url: string; headers: Record<string, string> };

  script(phone: string, script: ScriptedCall): void {
    this.scripts.set(phone, script);
  }

  /** The next create requests fail with this status (and the platform's error body), in order. */
  failNext(status: number, message: string, headers?: Record<string, string>): void {
    this.failures.push({ status, body: this.errorBody(status, message), headers });
  }

  callsTo(phone: string): AcceptedCall[] {
    return this.accepted.filter((c) => c.to === phone);
  }

  async start(): Promise<void> {
    const { server, url } = await listen((request, body, response) => this.handle(request, body, response));
    this.server = server;
    this.url = url;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  private async handle(request: IncomingMessage, raw: string, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    if (request.method !== 'POST' || path !== this.createPath)
      return json(response, 404, this.errorBody(404, `Cannot ${request.method} ${path}`));
    if (!this.authorized(request)) return json(response, 401, this.errorBody(401, 'Invalid API key'));
    let body: Record<string, any>;
    try {
      body = JSON.parse(raw);
    } catch {
      return json(response, 400, this.errorBody(400, 'body must be JSON'));
    }
    const problem = this.validate(body);
    if (problem)
      return json(
        response,
        this.name === 'elevenlabs' ? 422 : 400,
        this.errorBody(this.name === 'elevenlabs' ? 422 : 400, problem),
      );
    const to = this.to(body);
    const failure = this.failures.shift();
    if (failure) {
      this.refused.push({ to, status: failure.status });
      return json(response, failure.status, failure.body, failure.headers);
    }
    const script = this.scripts.get(to) ?? { outcomes: ['completed'] };
    const attempt = (this.attempts.get(to) ?? 0) + 1;
    const outcome = script.outcomes[Math.min(attempt, script.outcomes.length) - 1];
    if (outcome === 'invalid_number') {
      this.refused.push({ to, status: 400 });
      return json(
        response,
        this.name === 'elevenlabs' ? 422 : 400,
        this.errorBody(this.name === 'elevenlabs' ? 422 : 400, `Invalid phone number: ${to}`),
      );
    }
    this.attempts.set(to, attempt);
    const call: AcceptedCall = {
      callId: `${this.name}-${this.accepted.length + 1}-${Date.now().toString(36)}`,
      to,
      body,
      variables: this.variablesOf(body),
      attempt,
      outcome,
      acceptedAt: Date.now(),
    };
    this.accepted.push(call);
    this.active++;
    this.maxActive = Math.max(this.maxActive, this.active);
    const created = this.created(call);
    json(response, created.status, created.body);
    void this.drive(call, script.durationSeconds ?? 10);
  }

  private async drive(call: AcceptedCall, durationSeconds: number): Promise<void> {
    (call as AcceptedCall & { durationSeconds: number }).durationSeconds = durationSeconds;
    const events = this.events(call);
    const endIndex = this.endEventIndex(events);
    for (const [index, event] of events.entries()) {
      await sleep(this.stepMs);
      if (index === endIndex) {
        this.active--;
        call.endedAt = Date.now();
      }
      await this.send(call, event);
    }
    // Real platforms retry and reorder: the end event again, then a late progress event.
    await this.send(call, events[endIndex]);
    const late = this.lateEvent(call);
    if (late) await this.send(call, late);
  }

  private async send(call: AcceptedCall, event: unknown): Promise<void> {
    const body = JSON.stringify(event);
    const { url, headers } = this.deliver(call, body);
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...headers },
        body,
      });
      this.webhooks.push({ url, status: response.status, body });
      await response.text();
    } catch (error) {
      this.webhooks.push({ url, status: 0, body: String(error) });
    }
  }
}

export function durationOf(call: AcceptedCall): number {
  return (call as AcceptedCall & { durationSeconds?: number }).durationSeconds ?? 10;
}

export const isE164 = (value: unknown): value is string => typeof value === 'string' && /^\+[1-9]\d{7,14}$/.test(value);
