import { Module } from '@nestjs/common';
import { BatchStatusChangedEvent, prefixedStreamName, Subjects } from '@outdial/contracts';

import { createIsolatedEnv, IsolatedEnv } from '../../../test/support/isolated-env';
import { BaseServiceEnv, EventPublisher, Outbox, RunningService, startService } from '../src';

@Module({})
class EmptyModule {}

/**
 * The transactional outbox relay against the real PostgreSQL and NATS: every enqueued event reaches
 * the stream once, in enqueue order, and leaves the table; a publish that fails leaves the rows for
 * the next pass (the delete that took them is rolled back).
 */
describe('outbox relay against the real PostgreSQL and NATS', () => {
  let env: IsolatedEnv;
  let running: RunningService<BaseServiceEnv>;

  beforeAll(async () => {
    env = await createIsolatedEnv('outbox');
    process.env.DATABASE_URL = env.databaseUrl;
    process.env.NATS_URL = env.natsUrl;
    process.env.NATS_PREFIX = env.prefix;
    process.env.LOG_LEVEL = 'silent';
    running = await startService({
      name: 'outboxprobe',
      env: BaseServiceEnv,
      migrations: [],
      module: () => EmptyModule,
    });
  });

  afterAll(async () => {
    await running?.app.close();
    await env?.cleanup();
  });

  const event = (id: string): BatchStatusChangedEvent => ({
    event_id: id,
    org_id: 'org-1',
    batch_id: 'b-1',
    status: 'running',
    reason: 'relay',
    at: new Date().toISOString(),
  });

  async function pending(): Promise<number> {
    const rows = await running.runtime.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "outboxprobe".outbox`);
    return rows[0].n;
  }

  async function storedIds(): Promise<string[]> {
    const jsm = running.runtime.bus.connections().jsm;
    const stream = prefixedStreamName(env.prefix, 'BATCH');
    const info = await jsm.streams.info(stream);
    const ids: string[] = [];
    for (let seq = info.state.first_seq; info.state.messages > 0 && seq <= info.state.last_seq; seq++) {
      const m = await jsm.streams.getMessage(stream, { seq });
      if (m) ids.push((JSON.parse(new TextDecoder().decode(m.data)) as { event_id: string }).event_id);
    }
    return ids;
  }

  it('publishes 1,200 events from three transactions once each, in enqueue order, and empties the table', async () => {
    const { db, outbox } = running.runtime;
    const ids = Array.from({ length: 1200 }, (_, i) => `relay-${String(i).padStart(4, '0')}`);
    for (let part = 0; part < 3; part++) {
      await db.tx((client) =>
        outbox.enqueue(
          client,
          ids
            .slice(part * 400, (part + 1) * 400)
            .map((id) => ({ subject: Subjects.batchStatusChanged, payload: event(id) })),
        ),
      );
    }
    outbox.kick();
    const deadline = Date.now() + 20_000;
    while ((await pending()) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(await pending()).toBe(0);
    const stored = (await storedIds()).filter((id) => id.startsWith('relay-'));
    expect(stored).toEqual(ids);
  });

  it('leaves the rows in the table when a publish fails, and a working relay publishes them afterwards', async () => {
    const { db, logger, metrics } = running.runtime;
    const failing = new (class extends EventPublisher {
      override async publishStored(): Promise<void> {
        throw new Error('broker unavailable');
      }
    })(running.runtime.bus);
    const brokenRelay = new Outbox(db, failing, logger, metrics);
    await db.tx((client) =>
      brokenRelay.enqueue(client, [
        { subject: Subjects.batchStatusChanged, payload: event('kept-1') },
        { subject: Subjects.batchStatusChanged, payload: event('kept-2') },
      ]),
    );
    await expect(brokenRelay.drainOnce()).rejects.toThrow('broker unavailable');
    expect(await pending()).toBe(2);
    expect(await running.runtime.outbox.drainOnce()).toBe(2);
    expect(await pending()).toBe(0);
    expect((await storedIds()).filter((id) => id.startsWith('kept-'))).toEqual(['kept-1', 'kept-2']);
  });
});
