import { createHmac, timingSafeEqual } from 'node:crypto';

import { CallOutcome, ProviderCallEvent, VoiceAgentPlatform } from '@outdial/contracts';

import { SignatureCheck } from '../callback-signatures';
import { CallbackFormatError } from '../provider-callbacks';

/** What a platform's webhook is checked against: the agent's secrets and the platform-wide env secret. */
export interface WebhookSecrets {
  /** The agent's platform API key (Retell signs its webhooks with it). */
  api_key?: string;
  /** The agent's `webhook_secret`, else the platform's `<PLATFORM>_WEBHOOK_SECRET` from the gateway env. */
  webhook_secret?: string;
}

export interface WebhookRequest {
  rawBody: string;
  /** Lower-case header names. */
  headers: Record<string, string | undefined>;
  query: Record<string, string | undefined>;
  nowMs: number;
  toleranceSeconds: number;
}

/**
 * One voice-agent platform's webhook: how it is authenticated and how its body becomes a provider
 * event (SPEC §5 outcomes). `toEvent` returns null for callbacks that change nothing (queued,
 * post-processing stages); it throws CallbackFormatError, naming the field, for what it cannot read.
 */
export interface PlatformWebhook {
  readonly platform: VoiceAgentPlatform;
  verify(request: WebhookRequest, secrets: WebhookSecrets): SignatureCheck;
  toEvent(body: unknown, receivedAt: Date): ProviderCallEvent | null;
}

/** An end-reason table: exact values first, then ordered pattern rules; anything else is `failed`. */
export interface EndReasonTable {
  exact: Record<string, CallOutcome>;
  patterns?: [RegExp, CallOutcome][];
}

export function outcomeOf(table: EndReasonTable, reason: string | undefined): CallOutcome {
  if (!reason) return 'failed';
  const exact = table.exact[reason];
  if (exact) return exact;
  for (const [pattern, outcome] of table.patterns ?? []) if (pattern.test(reason)) return outcome;
  return 'failed';
}

export function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function hmacHex(secret: string, data: string): string {
  return createHmac('sha256', secret).update(data, 'utf8').digest('hex');
}

/** A typed reader over an untrusted JSON object: wrong types throw CallbackFormatError naming the path. */
export class Fields {
  constructor(
    private readonly value: Record<string, unknown>,
    private readonly path: string,
  ) {}

  static of(body: unknown, path = ''): Fields {
    if (body === null || typeof body !== 'object' || Array.isArray(body))
      throw new CallbackFormatError('the body must be a JSON object', path || '(body)');
    return new Fields(body as Record<string, unknown>, path);
  }

  private name(field: string): string {
    return this.path ? `${this.path}.${field}` : field;
  }

  object(field: string, required = false): Fields | undefined {
    const v = this.value[field];
    if (v === undefined || v === null) {
      if (required) throw new CallbackFormatError(`${this.name(field)} is required`, this.name(field));
      return undefined;
    }
    return Fields.of(v, this.name(field));
  }

  text(field: string, required = false): string | undefined {
    const v = this.value[field];
    if (v === undefined || v === null || v === '') {
      if (required) throw new CallbackFormatError(`${this.name(field)} is required`, this.name(field));
      return undefined;
    }
    if (typeof v === 'number') return String(v);
    if (typeof v !== 'string') throw new CallbackFormatError(`${this.name(field)} must be a string`, this.name(field));
    return v;
  }

  number(field: string): number | undefined {
    const v = this.value[field];
    if (v === undefined || v === null || v === '') return undefined;
    const n = typeof v === 'string' ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isFinite(n) || n < 0)
      throw new CallbackFormatError(`${this.name(field)} must be a number >= 0`, this.name(field));
    return n;
  }

  bool(field: string): boolean | undefined {
    const v = this.value[field];
    return typeof v === 'boolean' ? v : undefined;
  }

  /** A transcript given as text, or as a list of {role, message|content} turns. */
  transcript(field: string): string | undefined {
    const v = this.value[field];
    if (typeof v === 'string') return v || undefined;
    if (!Array.isArray(v)) return undefined;
    const lines = v
      .filter((turn): turn is Record<string, unknown> => turn !== null && typeof turn === 'object')
      .map((turn) =>
        `${String(turn.role ?? turn.user ?? '')}: ${String(turn.message ?? turn.content ?? turn.text ?? '')}`.trim(),
      );
    return lines.length > 0 ? lines.join('\n') : undefined;
  }
}

/** An ISO time from an ISO string, or from unix seconds / milliseconds. */
export function timeOf(value: string | number | undefined, fallback: Date): string {
  if (value === undefined || value === '') return fallback.toISOString();
  if (typeof value === 'number' || /^\d+(\.\d+)?$/.test(value)) {
    const n = Number(value);
    return new Date(n > 1e12 ? n : n * 1000).toISOString();
  }
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? fallback.toISOString() : new Date(ms).toISOString();
}

/** Leaves out undefined optional fields so the event validates and compares cleanly. */
export function compact(event: ProviderCallEvent): ProviderCallEvent {
  for (const key of Object.keys(event) as (keyof ProviderCallEvent)[]) if (event[key] === undefined) delete event[key];
  return event;
}

/** The metadata key Outdial puts on every platform call so the platform's webhooks name the attempt. */
export const ATTEMPT_KEY = 'outdial_attempt_id';
