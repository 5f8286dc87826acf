import 'reflect-metadata';

import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';

import { InvalidPayloadError, Subjects } from '@outdial/contracts';

import { createIsolatedEnv, IsolatedEnv } from '../../../test/support/isolated-env';
import { NatsBus } from '../src';

async function readAll(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(Buffer.from(part));
  return Buffer.concat(parts);
}

describe('broker ports of NatsBus (apps never touch nc/js/jsm)', () => {
  let env: IsolatedEnv;
  let bus: NatsBus;

  beforeAll(async () => {
    env = await createIsolatedEnv('ports');
    bus = await NatsBus.connect(env.natsUrl, env.prefix, 'ports-test', undefined, { validatePayloads: true });
    await bus.provisionStreams();
  });

  afterAll(async () => {
    await bus.close();
    await env.cleanup();
  });

  it('subscribeCore resolves once registered, so a publishCore right after is received; unsubscribe stops it', async () => {
    const received: unknown[] = [];
    const unsubscribe = await bus.subscribeCore<{ n: number }>('v1.progress.b-1', (message) => received.push(message));
    bus.publishCore('v1.progress.b-1', { n: 1 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(received).toEqual([{ n: 1 }]);
    unsubscribe();
    bus.publishCore('v1.progress.b-1', { n: 2 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(received).toEqual([{ n: 1 }]);
  });

  it('publishSerialized stores pre-built JSON with a msgID (duplicates dropped) and rejects an invalid payload', async () => {
    const event = {
      event_id: 'pe-1',
      provider: 'simulated',
      provider_call_id: 'call-1',
      attempt_id: 'a-1',
      kind: 'ringing',
      at: '2026-01-15T10:00:00.000Z',
    };
    await bus.publishSerialized(Subjects.providerEvent, JSON.stringify(event), event.event_id);
    await bus.publishSerialized(Subjects.providerEvent, JSON.stringify(event), event.event_id);
    await expect(
      bus.publishSerialized(Subjects.providerEvent, JSON.stringify({ ...event, kind: 'exploded' }), 'pe-2'),
    ).rejects.toThrow(InvalidPayloadError);
    await expect(bus.publishSerialized(Subjects.providerEvent, '{not json', 'pe-3')).rejects.toThrow(/not JSON/);
    await bus.provisionConsumer(Subjects.providerEvent, 'ports-test-consumer', {
      maxDeliver: 3,
      ackWaitMs: 30_000,
      maxAckPending: 10,
    });
    const stats = await bus.consumerStats();
    const mine = stats.find((s) => s.name === 'ports-test-consumer');
    expect(mine).toEqual({
      stream: bus.streamNameForSubject(Subjects.providerEvent),
      stream_base: 'PROVIDER',
      name: 'ports-test-consumer',
      num_pending: 1,
      num_ack_pending: 0,
      redelivered: 0,
    });
  });

  it('UploadStore: put a stream, read it back, info, delete (idempotent)', async () => {
    const store = bus.uploadsStore();
    const data = randomBytes(300 * 1024 + 5);
    const put = await store.put('up-1', Readable.from([data.subarray(0, 1000), data.subarray(1000)]));
    expect(put.size).toBe(data.length);
    expect((await store.info('up-1'))?.size).toBe(data.length);
    expect((await readAll((await store.get('up-1'))!)).equals(data)).toBe(true);
    await store.putBytes('up-2', Buffer.from('[]'));
    expect((await readAll((await store.get('up-2'))!)).toString()).toBe('[]');
    await store.delete('up-1');
    await store.delete('up-1');
    expect(await store.info('up-1')).toBeNull();
    expect(await store.get('up-1')).toBeNull();
  });
});
