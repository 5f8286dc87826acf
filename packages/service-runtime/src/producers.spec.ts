import 'reflect-metadata';

import { InvalidPayloadError, Subjects } from '@outdial/contracts';

import { ServiceError } from './errors';
import { EventPublisher, producerValidationEnabled } from './event-publisher';
import { NatsBus } from './nats-bus';
import { Outbox } from './outbox';
import { RpcClient, serviceErrorFromReply } from './rpc-client';

const AT = '2026-01-15T10:00:00.000Z';

function callStarted(overrides: Record<string, unknown> = {}) {
  return {
    event_id: 'call-started:a-1',
    org_id: 'org-1',
    attempt_id: 'a-1',
    batch_id: 'b-1',
    contact_id: 'c-1',
    attempt: 1,
    provider: 'simulated' as const,
    provider_call_id: 'p-1',
    started_at: AT,
    ...overrides,
  };
}

/** A NatsBus double recording what the producers hand it (no connection). */
function fakeBus() {
  const published: { subject: string; json: string; msgId: string; options: unknown }[] = [];
  const bus = {
    publishSerialized: jest.fn(async (subject: string, json: string, msgId: string, options: unknown) => {
      published.push({ subject, json, msgId, options });
    }),
    requestJson: jest.fn(),
  };
  return { bus: bus as unknown as NatsBus, published, raw: bus };
}

describe('producer validation switch', () => {
  it('is on outside production (tests, development) and off in production', () => {
    expect(producerValidationEnabled({})).toBe(true);
    expect(producerValidationEnabled({ NODE_ENV: 'test' })).toBe(true);
    expect(producerValidationEnabled({ NODE_ENV: 'development' })).toBe(true);
    expect(producerValidationEnabled({ NODE_ENV: 'production' })).toBe(false);
  });
});

describe('EventPublisher', () => {
  it('publishes with msgID = event_id and validates the payload', async () => {
    const { bus, published } = fakeBus();
    const publisher = new EventPublisher(bus, true);
    await publisher.publish(Subjects.callStarted, callStarted());
    expect(published).toHaveLength(1);
    expect(published[0].msgId).toBe('call-started:a-1');
    expect(JSON.parse(published[0].json).provider_call_id).toBe('p-1');
  });

  it('throws InvalidPayloadError naming the field, and publishes nothing', async () => {
    const { bus, published } = fakeBus();
    const publisher = new EventPublisher(bus, true);
    const bad = callStarted({ attempt: 0 });
    await expect(publisher.publish(Subjects.callStarted, bad)).rejects.toThrow(InvalidPayloadError);
    await expect(publisher.publish(Subjects.callStarted, bad)).rejects.toThrow(/attempt/);
    expect(published).toHaveLength(0);
  });

  it('does not validate in production: a wrong payload goes through (its cost: bench/contracts)', async () => {
    const { bus, published } = fakeBus();
    const production = new EventPublisher(bus, producerValidationEnabled({ NODE_ENV: 'production' }));
    await production.publish(Subjects.callStarted, callStarted({ attempt: 0 }));
    expect(published).toHaveLength(1);
    expect(JSON.parse(published[0].json).attempt).toBe(0);
    // The same payload, validated outside production, is refused.
    await expect(
      new EventPublisher(bus, true).publish(Subjects.callStarted, callStarted({ attempt: 0 })),
    ).rejects.toThrow(InvalidPayloadError);
    expect(published).toHaveLength(1);
  });
});

describe('Outbox.enqueue', () => {
  function outbox(validate: boolean) {
    const client = { query: jest.fn().mockResolvedValue({ rows: [] }) };
    const db = { schema: 'dialer' };
    const box = Outbox.enqueueOnly(db as never, { validate });
    return { box, client };
  }

  it('inserts valid events into the outbox table of the service schema', async () => {
    const { box, client } = outbox(true);
    await box.enqueue(client as never, [{ subject: Subjects.callStarted, payload: callStarted() }]);
    expect(client.query).toHaveBeenCalledTimes(1);
    expect(client.query.mock.calls[0][0]).toContain('"dialer".outbox');
    expect(client.query.mock.calls[0][1][2]).toEqual(['call-started:a-1']);
  });

  it('rejects an invalid event before writing (the caller transaction rolls back)', async () => {
    const { box, client } = outbox(true);
    await expect(
      box.enqueue(client as never, [
        { subject: Subjects.callStarted, payload: callStarted({ started_at: 'yesterday' }) },
      ]),
    ).rejects.toThrow(/started_at/);
    expect(client.query).not.toHaveBeenCalled();
  });

  it('does not validate when validation is off (production)', async () => {
    const { box, client } = outbox(false);
    await box.enqueue(client as never, [
      { subject: Subjects.callStarted, payload: callStarted({ started_at: 'yesterday' }) },
    ]);
    expect(client.query).toHaveBeenCalledTimes(1);
  });
});

describe('RpcClient', () => {
  it('validates the request before sending it', async () => {
    const { bus, raw } = fakeBus();
    const rpc = new RpcClient(bus, undefined, true);
    await expect(rpc.request(Subjects.reportingGetBatch, { org_id: 'o', batch_id: '' })).rejects.toThrow(/batch_id/);
    expect(raw.requestJson).not.toHaveBeenCalled();
  });

  it('returns the reply data typed by the subject', async () => {
    const { bus, raw } = fakeBus();
    raw.requestJson.mockResolvedValue({ ok: true, data: { applied: true, waited_ms: 3 } });
    const rpc = new RpcClient(bus);
    const reply = await rpc.request(Subjects.reportingAwaitReadModel, {
      org_id: 'o',
      batch_id: 'b',
      exists: true,
      timeout_ms: 10,
    });
    expect(reply.waited_ms).toBe(3);
  });

  it('turns an error reply into a ServiceError with the same code and details', async () => {
    const { bus, raw } = fakeBus();
    raw.requestJson.mockResolvedValue({
      ok: false,
      error: { code: 'not_found', message: 'batch not found', details: { field: 'batch_id' } },
    });
    const rpc = new RpcClient(bus);
    const error = await rpc
      .request(Subjects.reportingGetBatch, { org_id: 'o', batch_id: 'b' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceError);
    expect((error as ServiceError).code).toBe('not_found');
    expect((error as ServiceError).httpStatus).toBe(404);
    expect((error as ServiceError).details).toEqual({ field: 'batch_id' });
  });

  it('maps an unknown code to internal with a warn log naming it', () => {
    const warn = jest.fn();
    const error = serviceErrorFromReply(
      Subjects.reportingGetBatch,
      { code: 'teapot', message: 'short and stout' },
      { warn },
    );
    expect(error.code).toBe('internal');
    expect(error.httpStatus).toBe(500);
    expect(error.message).toBe('short and stout');
    expect(warn).toHaveBeenCalledWith(expect.objectContaining({ code: 'teapot' }), expect.stringContaining('teapot'));
  });

  it('maps no responders and timeouts to upstream errors', async () => {
    const { bus, raw } = fakeBus();
    const rpc = new RpcClient(bus);
    raw.requestJson.mockRejectedValueOnce(new Error('503 no responders'));
    await expect(rpc.request(Subjects.reportingGetBatch, { org_id: 'o', batch_id: 'b' })).rejects.toMatchObject({
      code: 'upstream_unavailable',
    });
    raw.requestJson.mockRejectedValueOnce(new Error('TIMEOUT'));
    await expect(rpc.request(Subjects.reportingGetBatch, { org_id: 'o', batch_id: 'b' }, 5)).rejects.toMatchObject({
      code: 'upstream_timeout',
    });
  });
});

describe('compile-time typing of producers', () => {
  it('rejects a wrong payload for a typed subject (ts-expect-error lines fail the build if they compile)', () => {
    const { bus } = fakeBus();
    const publisher = new EventPublisher(bus, false);
    const check = () => {
      // @ts-expect-error provider_call_id missing, attempt a string
      void publisher.publish(Subjects.callStarted, { ...callStarted(), attempt: '1', provider_call_id: undefined });
      // @ts-expect-error a payload of another subject
      void publisher.publish(Subjects.callFinished, callStarted());
    };
    expect(typeof check).toBe('function');
  });
});
