import { InvalidPayloadError } from '@outdial/contracts';

import { NotKnownYetError, PoisonMessageError, ServiceError, TransientError } from './errors';
import { BACKOFF_BASE_MS, BACKOFF_MAX_MS, decideSettlement, redeliveryDelayMs } from './settlement';

const MAX = 5;
const invalidPayload = () =>
  new InvalidPayloadError('v1.dial.requested', [{ field: 'phone', problems: ['phone must be a string'] }]);

describe('redeliveryDelayMs', () => {
  it('uses a 250 ms base and a 30 s cap', () => {
    expect(BACKOFF_BASE_MS).toBe(250);
    expect(BACKOFF_MAX_MS).toBe(30_000);
  });

  it.each([
    [1, 250],
    [2, 500],
    [3, 1000],
    [4, 2000],
    [5, 4000],
    [6, 8000],
    [7, 16_000],
    [8, 30_000], // 32 000 capped
    [9, 30_000],
    [20, 30_000],
    [1000, 30_000],
  ])('delivery %i waits %i ms', (deliveryCount, delay) => {
    expect(redeliveryDelayMs(deliveryCount)).toBe(delay);
  });

  it('never goes below the base for nonsense delivery counts', () => {
    expect(redeliveryDelayMs(0)).toBe(250);
    expect(redeliveryDelayMs(-3)).toBe(250);
  });
});

describe('decideSettlement', () => {
  it('acks when the handler returned normally', () => {
    expect(decideSettlement({ deliveryCount: 1, maxDeliver: MAX })).toEqual({ kind: 'ack' });
    expect(decideSettlement({ error: undefined, deliveryCount: MAX, maxDeliver: MAX })).toEqual({ kind: 'ack' });
  });

  it('terminates an InvalidPayloadError at the first delivery', () => {
    const error = invalidPayload();
    expect(decideSettlement({ error, deliveryCount: 1, maxDeliver: MAX })).toEqual({
      kind: 'term',
      reason: `invalid payload: ${error.message}`,
    });
  });

  it('terminates a PoisonMessageError at the first delivery', () => {
    expect(
      decideSettlement({ error: new PoisonMessageError('batch vanished'), deliveryCount: 1, maxDeliver: MAX }),
    ).toEqual({
      kind: 'term',
      reason: 'poison message: batch vanished',
    });
  });

  it.each([
    [1, 250],
    [2, 500],
    [3, 1000],
    [4, 2000],
  ])('naks a generic error at delivery %i with %i ms', (deliveryCount, delayMs) => {
    expect(decideSettlement({ error: new Error('db down'), deliveryCount, maxDeliver: MAX })).toEqual({
      kind: 'nak',
      delayMs,
    });
  });

  it('caps the nak delay at 30 s with a large delivery budget', () => {
    expect(decideSettlement({ error: new Error('x'), deliveryCount: 12, maxDeliver: 100 })).toEqual({
      kind: 'nak',
      delayMs: 30_000,
    });
  });

  it('treats a ServiceError and non-Error throwables as generic errors', () => {
    expect(
      decideSettlement({ error: new ServiceError('internal', 'boom'), deliveryCount: 2, maxDeliver: MAX }),
    ).toEqual({ kind: 'nak', delayMs: 500 });
    expect(decideSettlement({ error: 'a string', deliveryCount: 1, maxDeliver: MAX })).toEqual({
      kind: 'nak',
      delayMs: 250,
    });
    expect(decideSettlement({ error: null, deliveryCount: 1, maxDeliver: MAX })).toEqual({ kind: 'nak', delayMs: 250 });
  });

  it('uses a TransientError retryAfterMs as the delay', () => {
    expect(
      decideSettlement({ error: new TransientError('slot busy', 1234), deliveryCount: 1, maxDeliver: MAX }),
    ).toEqual({ kind: 'nak', delayMs: 1234 });
    expect(decideSettlement({ error: new TransientError('now', 0), deliveryCount: 3, maxDeliver: MAX })).toEqual({
      kind: 'nak',
      delayMs: 0,
    });
    expect(decideSettlement({ error: new TransientError('neg', -50), deliveryCount: 1, maxDeliver: MAX })).toEqual({
      kind: 'nak',
      delayMs: 0,
    });
  });

  it('uses the exponential delay for a TransientError without retryAfterMs', () => {
    expect(decideSettlement({ error: new TransientError('later'), deliveryCount: 3, maxDeliver: MAX })).toEqual({
      kind: 'nak',
      delayMs: 1000,
    });
  });

  it('still naks at deliveryCount = maxDeliver - 1', () => {
    expect(decideSettlement({ error: new Error('db down'), deliveryCount: MAX - 1, maxDeliver: MAX })).toEqual({
      kind: 'nak',
      delayMs: 2000,
    });
    expect(decideSettlement({ error: new TransientError('t', 700), deliveryCount: MAX - 1, maxDeliver: MAX })).toEqual({
      kind: 'nak',
      delayMs: 700,
    });
  });

  it.each([MAX, MAX + 1, 50])('terminates a generic error at deliveryCount %i, naming the count', (deliveryCount) => {
    expect(decideSettlement({ error: new Error('db down'), deliveryCount, maxDeliver: MAX })).toEqual({
      kind: 'term',
      reason: `gave up after ${deliveryCount} deliveries: db down`,
    });
  });

  it('terminates a TransientError (even with retryAfterMs) once the budget is spent', () => {
    expect(
      decideSettlement({ error: new TransientError('slot busy', 100), deliveryCount: MAX, maxDeliver: MAX }),
    ).toEqual({
      kind: 'term',
      reason: `gave up after ${MAX} deliveries: slot busy`,
    });
  });

  it('terminates non-Error throwables at the budget with their string form', () => {
    expect(decideSettlement({ error: 'kaput', deliveryCount: 3, maxDeliver: 3 })).toEqual({
      kind: 'term',
      reason: 'gave up after 3 deliveries: kaput',
    });
  });

  it('terminates invalid payloads and poison messages at the budget too', () => {
    expect(decideSettlement({ error: invalidPayload(), deliveryCount: MAX, maxDeliver: MAX }).kind).toBe('term');
    expect(decideSettlement({ error: new PoisonMessageError('p'), deliveryCount: MAX + 2, maxDeliver: MAX }).kind).toBe(
      'term',
    );
  });

  it('terminates at once with maxDeliver 1', () => {
    expect(decideSettlement({ error: new Error('e'), deliveryCount: 1, maxDeliver: 1 })).toEqual({
      kind: 'term',
      reason: 'gave up after 1 deliveries: e',
    });
  });
});

describe('decideSettlement for a message that refers to something not known yet', () => {
  const error = () => new NotKnownYetError('batch b-1 not registered yet', 60_000);

  it('backs off exponentially while younger than its bound, whatever max_deliver says', () => {
    expect(decideSettlement({ error: error(), deliveryCount: 1, maxDeliver: MAX, ageMs: 10 })).toEqual({
      kind: 'nak',
      delayMs: 250,
    });
    expect(decideSettlement({ error: error(), deliveryCount: 4, maxDeliver: MAX, ageMs: 5_000 })).toEqual({
      kind: 'nak',
      delayMs: 2000,
    });
    expect(decideSettlement({ error: error(), deliveryCount: 40, maxDeliver: MAX, ageMs: 59_999 })).toEqual({
      kind: 'nak',
      delayMs: 30_000,
    });
  });

  it('dead-letters it with its reason once it is as old as its bound', () => {
    expect(decideSettlement({ error: error(), deliveryCount: 2, maxDeliver: MAX, ageMs: 60_000 })).toEqual({
      kind: 'term',
      reason: 'never applicable: batch b-1 not registered yet after 60 s (limit 60 s)',
    });
  });
});
