import { EventPayload, EventSubject, InvalidPayloadError, parsePayload } from '@outdial/contracts';

import { NatsBus } from './nats-bus';

/**
 * Whether producers validate what they send against the subject's payload class. On outside
 * production (`NODE_ENV !== 'production'`: tests and development) so a wrong payload fails at its
 * producer, naming the field; off in production (the consumers validate anyway), where it would
 * only cost CPU.
 */
export function producerValidationEnabled(env: Record<string, string | undefined>): boolean {
  return env.NODE_ENV !== 'production';
}

/**
 * Validates `payload` for `subject` (class-validator via the contracts' registry) when `enabled`.
 * Throws InvalidPayloadError naming each bad field.
 */
export function validateOutgoing(subject: string, payload: unknown, enabled: boolean): void {
  if (!enabled) return;
  parsePayload(subject, payload);
}

/** Validates a pre-built JSON text for `subject` when `enabled` (InvalidPayloadError if not JSON or wrong). */
export function validateOutgoingJson(subject: string, json: string | Uint8Array, enabled: boolean): void {
  if (!enabled) return;
  let raw: unknown;
  try {
    raw = JSON.parse(typeof json === 'string' ? json : Buffer.from(json).toString('utf8'));
  } catch (error) {
    throw new InvalidPayloadError(subject, [{ field: '(root)', problems: [`not JSON: ${(error as Error).message}`] }]);
  }
  parsePayload(subject, raw);
}

/**
 * Publishes JetStream events with msgID = the event id (`payload.event_id`), so the server drops
 * duplicates. The payload is typed by the subject map (`EventPayload<S>`): a wrong payload is a
 * compile error, and outside production a runtime InvalidPayloadError too.
 */
export class EventPublisher {
  constructor(
    private readonly bus: NatsBus,
    /** Validate payloads before publishing (see producerValidationEnabled). */
    readonly validate: boolean = true,
  ) {}

  /**
   * Publishes one event; resolves once JetStream stored it (10 s timeout).
   * `msgId`: @deprecated, defaults to `payload.event_id` (which every event carries).
   */
  async publish<S extends EventSubject>(subject: S, payload: EventPayload<S>, msgId?: string): Promise<void>;
  /**
   * @deprecated pass a subject of `Subjects` (typed by the map) and drop the msgId (it is
   * `payload.event_id`). Only a `string`-typed subject reaches this overload: a literal event
   * subject with a wrong payload is still a compile error.
   */
  async publish<T extends string>(subject: T extends EventSubject ? never : T, payload: { event_id: string } & object, msgId?: string): Promise<void>;
  async publish(subject: string, payload: { event_id: string } & object, msgId: string = payload.event_id): Promise<void> {
    validateOutgoing(subject, payload, this.validate);
    await this.bus.publishSerialized(subject, JSON.stringify(payload), msgId, { validate: false });
  }

  /**
   * Publishes an already-stored event (the outbox relay): it was validated when enqueued, so it
   * is not validated again. Not for app code.
   */
  async publishStored(subject: string, payload: object, msgId: string): Promise<void> {
    await this.bus.publishSerialized(subject, JSON.stringify(payload), msgId, { validate: false });
  }
}
