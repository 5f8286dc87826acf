import { createHmac } from 'node:crypto';

import {
  batchWebhookType,
  contactWebhookType,
  endpointWants,
  retryDelayMs,
  webhookEventId,
  webhookEventKey,
  webhookSignature,
} from './webhook-events';

describe('webhook events', () => {
  it('maps status changes to SPEC §8 events', () => {
    expect(batchWebhookType('scheduled', 'running')).toBe('batch.started');
    expect(batchWebhookType('pending', 'running')).toBe('batch.started');
    expect(batchWebhookType(null, 'running')).toBe('batch.started');
    expect(batchWebhookType('paused', 'running')).toBe('batch.resumed');
    expect(batchWebhookType('running', 'running')).toBeNull();
    expect(batchWebhookType('running', 'paused')).toBe('batch.paused');
    expect(batchWebhookType('paused', 'paused')).toBeNull();
    expect(batchWebhookType('running', 'completed')).toBe('batch.completed');
    expect(batchWebhookType('running', 'failed')).toBe('batch.failed');
    expect(batchWebhookType('paused', 'cancelled')).toBe('batch.cancelled');
    expect(batchWebhookType('pending', 'scheduled')).toBeNull();
  });

  it('reports a call result once, when a dialed contact first becomes final', () => {
    expect(contactWebhookType({ final: false }, { status: 'completed', final: true, attempts: 1 })).toBe(
      'batch.call_completed',
    );
    expect(contactWebhookType({ final: false }, { status: 'failed', final: true, attempts: 3 })).toBe(
      'batch.call_failed',
    );
    expect(contactWebhookType({ final: false }, { status: 'voicemail', final: true, attempts: 1 })).toBe(
      'batch.call_failed',
    );
    expect(contactWebhookType({ final: true }, { status: 'completed', final: true, attempts: 1 })).toBeNull();
    expect(contactWebhookType({ final: false }, { status: 'queued', final: false, attempts: 1 })).toBeNull();
    expect(contactWebhookType({ final: false }, { status: 'cancelled', final: true, attempts: 0 })).toBeNull();
  });

  it('keys once-per-batch events by batch and repeatable ones by cause', () => {
    expect(webhookEventKey('batch.started', 'b1', 'ev1')).toBe(webhookEventKey('batch.started', 'b1', 'ev2'));
    expect(webhookEventKey('batch.completed', 'b1', 'ev1')).toBe(webhookEventKey('batch.cancelled', 'b1', 'ev2'));
    expect(webhookEventKey('batch.paused', 'b1', 'ev1')).not.toBe(webhookEventKey('batch.paused', 'b1', 'ev2'));
    expect(webhookEventId('k')).toMatch(/^evt_[0-9a-f]{32}$/);
    expect(webhookEventId('k')).toBe(webhookEventId('k'));
  });

  it('signs "<timestamp>.<body>" with HMAC-SHA256', () => {
    const expected = createHmac('sha256', 'whsec_x').update('1700000000.{"a":1}').digest('hex');
    expect(webhookSignature('whsec_x', 1700000000, '{"a":1}')).toBe(`sha256=${expected}`);
  });

  it('backs off exponentially up to the cap', () => {
    expect([1, 2, 3, 4, 5].map((n) => retryDelayMs(n, 1000, 10_000))).toEqual([1000, 2000, 4000, 8000, 10_000]);
    expect(retryDelayMs(100, 1000, 3_600_000)).toBe(3_600_000);
  });

  it('sends every type to an endpoint without a filter', () => {
    expect(endpointWants([], 'batch.paused')).toBe(true);
    expect(endpointWants(['batch.completed'], 'batch.paused')).toBe(false);
  });
});
