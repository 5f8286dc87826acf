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

  /** Publishes one event (msgID = `payload.event_id`); resolves once JetStream stored it (10 s timeout). */
  async publish<S extends EventSubject>(subject: S, payload: EventPayload<S>): Promise<void> {
    validateOutgoing(subject, payload, this.validate);
    await this.bus.publishSerialized(subject, JSON.stringify(payload), payload.event_id, { validate: false });
  }

  /**
   * Publishes an already-stored event (the outbox relay): it was validated when enqueued, so it
   * is not validated again. Not for app code.
   */
  async publishStored(subject: string, payload: object, msgId: string): Promise<void> {
    await this.bus.publishSerialized(subject, JSON.stringify(payload), msgId, { validate: false });
  }
}
