import { InvalidPayloadError } from '@outdial/contracts';

import { NotKnownYetError, PoisonMessageError, TransientError } from './errors';

export type Settlement = { kind: 'ack' } | { kind: 'nak'; delayMs: number } | { kind: 'term'; reason: string };

export interface SettlementInput {
  /** undefined when the handler returned normally. */
  error?: unknown;
  /** 1 on the first delivery. */
  deliveryCount: number;
  maxDeliver: number;
  /** Time since the message was first stored in its stream (ms); needed for NotKnownYetError. */
  ageMs?: number;
}

export const BACKOFF_BASE_MS = 250;
export const BACKOFF_MAX_MS = 30_000;

/** Exponential redelivery delay: 250 ms, 500 ms, 1 s, ... capped at 30 s. */
export function redeliveryDelayMs(deliveryCount: number): number {
  const exponent = Math.max(0, Math.min(deliveryCount - 1, 16));
  return Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** exponent);
}

/**
 * How a JetStream message is settled after its handler ran: ack on success; term (and
 * dead-letter) on a payload that can never be valid, or once the delivery budget is spent;
 * otherwise nak with a delay, so the message comes back later. A `NotKnownYetError` is bounded by
 * the message's age, not by deliveries: backoff until `maxAgeMs`, then term.
 */
export function decideSettlement({ error, deliveryCount, maxDeliver, ageMs }: SettlementInput): Settlement {
  if (error === undefined) return { kind: 'ack' };
  if (error instanceof NotKnownYetError) {
    if ((ageMs ?? 0) >= error.maxAgeMs) {
      return {
        kind: 'term',
        reason: `never applicable: ${error.message} after ${Math.round((ageMs ?? 0) / 1000)} s (limit ${Math.round(error.maxAgeMs / 1000)} s)`,
      };
    }
    return { kind: 'nak', delayMs: redeliveryDelayMs(deliveryCount) };
  }
  if (error instanceof InvalidPayloadError) return { kind: 'term', reason: `invalid payload: ${error.message}` };
  if (error instanceof PoisonMessageError) return { kind: 'term', reason: `poison message: ${error.message}` };
  const message = error instanceof Error ? error.message : String(error);
  if (deliveryCount >= maxDeliver) {
    return { kind: 'term', reason: `gave up after ${deliveryCount} deliveries: ${message}` };
  }
  if (error instanceof TransientError && error.retryAfterMs !== undefined) {
    return { kind: 'nak', delayMs: Math.max(0, error.retryAfterMs) };
  }
  return { kind: 'nak', delayMs: redeliveryDelayMs(deliveryCount) };
}
