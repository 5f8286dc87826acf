import { Controller, Module } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { BatchQuery, BatchStatusChangedEvent, prefixedStreamName, Subjects } from '@outdial/contracts';

import { createIsolatedEnv, IsolatedEnv } from '../../../test/support/isolated-env';
import {
  BaseServiceEnv,
  JetStreamContext,
  JetStreamEvent,
  RpcHandler,
  RunningService,
  ServiceError,
  startService,
  TransientError,
} from '../src';

/** What the test handlers saw, per event id. */
const seen = new Map<string, number[]>();

@Controller()
class ProbeHandlers {
  @JetStreamEvent(Subjects.batchStatusChanged, { maxDeliver: 4, ackWaitMs: 5000, concurrency: 2 })
  async onStatus(@Payload() event: BatchStatusChangedEvent, @Ctx() ctx: JetStreamContext): Promise<void> {
    seen.set(event.event_id, [...(seen.get(event.event_id) ?? []), ctx.deliveryCount]);
    if (event.reason === 'fail-twice' && ctx.deliveryCount <= 2) throw new Error('simulated handler failure');
    if (event.reason === 'always-transient') throw new TransientError('dependency down', 50);
  }

  @RpcHandler(Subjects.reportingGetBatch)
  async get(@Payload() query: BatchQuery): Promise<object> {
    if (query.batch_id === 'missing') throw new ServiceError('not_found', 'no such batch');
    if (query.batch_id === 'slow') await new Promise((resolve) => setTimeout(resolve, 600));
    return { batch_id: query.batch_id, org: query.org_id };
  }
}

@Module({ controllers: [ProbeHandlers] })
class ProbeModule {}

describe('JetStream transport against the real NATS server', () => {
  let env: IsolatedEnv;
  let running: RunningService<BaseServiceEnv>;

  beforeAll(async () => {
    env = await createIsolatedEnv('transport');
    process.env.DATABASE_URL = env.databaseUrl;
    process.env.NATS_URL = env.natsUrl;
    process.env.NATS_PREFIX = env.prefix;
    process.env.LOG_LEVEL = 'silent';
    running = await startService({ name: 'probe', env: BaseServiceEnv, migrations: [], module: () => ProbeModule });
  });

  afterAll(async () => {
    await running?.app.close();
    await env?.cleanup();
  });

  const event = (id: string, reason: string): BatchStatusChangedEvent => ({
    event_id: id,
    org_id: 'org-1',
    batch_id: 'b-1',
    status: 'running',
    reason,
    at: new Date().toISOString(),
  });

  async function waitFor(predicate: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (await predicate()) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('condition not met in time');
  }

  async function deadLetters(): Promise<{ subject: string; reason: string; data: string }[]> {
    const { bus } = running.runtime;
    const stream = prefixedStreamName(env.prefix, 'DLQ');
    const info = await bus.connections().jsm.streams.info(stream);
    const out = [];
    for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
      const m = await bus.connections().jsm.streams.getMessage(stream, { seq });
      if (!m) continue;
      out.push({
        subject: m.header.get('Outdial-Original-Subject'),
        reason: m.header.get('Outdial-Reason'),
        data: new TextDecoder().decode(m.data),
      });
    }
    return out;
  }

  it('redelivers a message whose handler throws, until the handler succeeds', async () => {
    await running.runtime.publisher.publish(Subjects.batchStatusChanged, event('e-fail-twice', 'fail-twice'));
    await waitFor(() => (seen.get('e-fail-twice') ?? []).length >= 3);
    await new Promise((r) => setTimeout(r, 500));
    expect(seen.get('e-fail-twice')).toEqual([1, 2, 3]);
  });

  it('terminates an invalid payload without calling the handler, and dead-letters it', async () => {
    const bad = { event_id: 'e-bad', org_id: 'org-1', status: 'not-a-status', at: 'yesterday' };
    // A broken producer elsewhere: skip the producer-side validation so the consumer sees it.
    await running.runtime.bus.publishSerialized(Subjects.batchStatusChanged, JSON.stringify(bad), 'e-bad', {
      validate: false,
    });
    await waitFor(async () => (await deadLetters()).some((d) => d.data.includes('e-bad')));
    const letter = (await deadLetters()).find((d) => d.data.includes('e-bad'))!;
    expect(letter.subject).toBe(Subjects.batchStatusChanged);
    expect(letter.reason).toMatch(/invalid payload/);
    expect(letter.reason).toMatch(/batch_id/);
    expect(seen.has('e-bad')).toBe(false);
  });

  it('gives up after max_deliver deliveries and dead-letters the message', async () => {
    await running.runtime.publisher.publish(Subjects.batchStatusChanged, event('e-always', 'always-transient'));
    await waitFor(async () => (await deadLetters()).some((d) => d.data.includes('e-always')));
    expect(seen.get('e-always')).toEqual([1, 2, 3, 4]);
    const letter = (await deadLetters()).find((d) => d.data.includes('e-always'))!;
    expect(letter.reason).toMatch(/gave up after 4 deliveries/);
  });

  it('keeps a message whose dead letter cannot be stored: redelivered, dead-lettered once the DLQ is back', async () => {
    const { bus } = running.runtime;
    const dlq = prefixedStreamName(env.prefix, 'DLQ');
    await bus.connections().jsm.streams.delete(dlq);
    const bad = { event_id: 'e-dlq-down', org_id: 'org-1', status: 'not-a-status', at: 'yesterday' };
    // A broken producer elsewhere: skip the producer-side validation so the consumer sees it.
    await running.runtime.bus.publishSerialized(Subjects.batchStatusChanged, JSON.stringify(bad), 'e-dlq-down', {
      validate: false,
    });
    // Terminated only after its dead letter is stored: while the DLQ stream is missing, the message
    // stays in its consumer (nak'ed, redelivered later) instead of being lost.
    await new Promise((r) => setTimeout(r, 1500));
    const durable = `probe-${Subjects.batchStatusChanged.replace(/[^a-zA-Z0-9_-]/g, '_')}`;
    const stream = prefixedStreamName(env.prefix, 'BATCH');
    const consumer = await bus
      .connections()
      .jsm.consumers.info(stream, durable)
      .catch(async () => {
        const names = [];
        for await (const s of bus.connections().jsm.streams.list()) names.push(s.config.name);
        throw new Error(`consumer ${durable} not found on ${stream}; streams: ${names.join(', ')}`);
      });
    expect(consumer.num_ack_pending + consumer.num_pending).toBeGreaterThanOrEqual(1);
    await bus.provisionStreams();
    await waitFor(async () => (await deadLetters()).some((d) => d.data.includes('e-dlq-down')), 20_000);
  }, 30_000);

  it('drops a duplicate publish with the same msgID', async () => {
    await running.runtime.publisher.publish(Subjects.batchStatusChanged, event('e-dup', 'ok'));
    await running.runtime.publisher.publish(Subjects.batchStatusChanged, event('e-dup', 'ok'));
    await waitFor(() => seen.has('e-dup'));
    await new Promise((r) => setTimeout(r, 500));
    expect(seen.get('e-dup')).toEqual([1]);
  });

  it('answers request/reply, with service errors carried by code', async () => {
    await expect(
      running.runtime.rpc.request(Subjects.reportingGetBatch, { org_id: 'o', batch_id: 'b' }),
    ).resolves.toEqual({ batch_id: 'b', org: 'o' });
    await expect(
      running.runtime.rpc.request(Subjects.reportingGetBatch, { org_id: 'o', batch_id: 'missing' }),
    ).rejects.toMatchObject({ code: 'not_found' });
  });

  it('tells a request nobody serves (upstream_unavailable) from one answered too late (upstream_timeout)', async () => {
    const { rpc } = running.runtime;
    await expect(rpc.request(Subjects.reportingSystemCounts, { org_id: 'o' }, 2000)).rejects.toMatchObject({
      code: 'upstream_unavailable',
    });
    await expect(rpc.request(Subjects.reportingGetBatch, { org_id: 'o', batch_id: 'slow' }, 150)).rejects.toMatchObject(
      {
        code: 'upstream_timeout',
        message: `${Subjects.reportingGetBatch} did not answer within 150 ms`,
      },
    );
  });

  it('serves health and metrics', async () => {
    const base = `http://127.0.0.1:${running.port}`;
    expect((await fetch(`${base}/health/live`)).status).toBe(200);
    const ready = await fetch(`${base}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ checks: { database: 'ok', nats: 'ok' } });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/outdial_messages_handled_total\{[^}]*settlement="term"/);
  });
});
