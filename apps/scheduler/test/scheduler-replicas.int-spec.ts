import { AckPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, NatsConnection } from '@nats-io/transport-node';
import {
  CallFinishedEvent,
  CallStartedEvent,
  DialRequest,
  EventPayload,
  EventSubject,
  OrgSettingsChangedEvent,
  parsePayload,
  prefixedStreamName,
  prefixedSubject,
  Subjects,
} from '@outdial/contracts';
import { RunningService, startService } from '@outdial/service-runtime';

import { createIsolatedEnv, IsolatedEnv } from '../../../test/support/isolated-env';
import { SchedulerEnv } from '../src/scheduler-env';
import { schedulerService } from '../src/scheduler-service';
import { batchIngested, contact, contactsChunk } from './support/scheduler-database';

/**
 * Two scheduler replicas on one database and one NATS prefix (SCHEDULER_REPLICAS=2), their call
 * events applied in groups: driven by a fake dialer that answers every dial request at once
 * (started, then finished; a busy first attempt for every fifth contact), the batches complete
 * exactly: no (contact, attempt) requested twice, never more than a batch's concurrency released and
 * unfinished, every contact final once, the counters exact.
 */
describe('two scheduler replicas, call events in groups', () => {
  let env: IsolatedEnv;
  const replicas: RunningService<SchedulerEnv>[] = [];
  let nc: NatsConnection;

  beforeAll(async () => {
    env = await createIsolatedEnv('schedreplicas');
    for (let i = 0; i < 2; i++)
      replicas.push(
        await startService(schedulerService, {
          env: { ...process.env, ...env.serviceEnv(), SCHEDULER_TICK_MS: '50' },
        }),
      );
    nc = await connect({ servers: env.natsUrl });
  });

  afterAll(async () => {
    await nc?.close();
    for (const replica of replicas) await replica.app.close();
    await env?.cleanup();
  });

  async function publish<S extends EventSubject>(subject: S, payload: EventPayload<S>): Promise<void> {
    await replicas[0].runtime.publisher.publish(subject, payload);
  }

  const query = <R extends object>(sql: string, params: unknown[] = []) =>
    replicas[0].runtime.db.query<R & Record<string, unknown>>(sql, params);

  it('complete two batches exactly under a fast dialer', async () => {
    const limits: OrgSettingsChangedEvent = {
      event_id: 'org-1-limits',
      org_id: 'org-1',
      max_concurrent_calls: 100,
      calls_per_second: 100,
      compliance_guard: true,
      version: 1,
      at: new Date().toISOString(),
    };
    await publish(Subjects.orgSettingsChanged, limits);
    const perBatch = 150;
    const concurrency = 20;
    const batchIds = ['b-rep-1', 'b-rep-2'];
    for (const batchId of batchIds) {
      await publish(
        Subjects.batchIngested,
        batchIngested(
          batchId,
          perBatch,
          {},
          { concurrency, max_attempts: 2, retry_policy: { retry_on: ['busy'], delays_seconds: [1] } },
        ),
      );
      await publish(
        Subjects.contactsChunk,
        contactsChunk(
          batchId,
          Array.from({ length: perBatch }, (_, i) => contact(batchId, i + 1)),
        ),
      );
    }

    // The fake dialer: reads the DIAL stream in order, answers each request at once.
    const js = jetstream(nc);
    const stream = prefixedStreamName(env.prefix, 'DIAL');
    const jsm = await jetstreamManager(nc);
    await jsm.consumers.add(stream, {
      durable_name: 'fake-dialer',
      ack_policy: AckPolicy.Explicit,
      filter_subject: prefixedSubject(env.prefix, Subjects.dialRequested),
    });
    const consumer = await js.consumers.get(stream, 'fake-dialer');
    const messages = await consumer.consume();
    const seen = new Set<string>();
    const duplicates: string[] = [];
    const outstanding = new Map<string, number>(batchIds.map((b) => [b, 0]));
    let peak = 0;
    const answers: Promise<void>[] = [];
    const dialer = (async () => {
      for await (const message of messages) {
        message.ack();
        const request: DialRequest = parsePayload(Subjects.dialRequested, message.json());
        if (seen.has(request.attempt_id)) duplicates.push(request.attempt_id);
        seen.add(request.attempt_id);
        outstanding.set(request.batch_id, outstanding.get(request.batch_id)! + 1);
        peak = Math.max(peak, outstanding.get(request.batch_id)!);
        const row = Number(request.contact_id.split('-c').pop());
        const outcome: CallFinishedEvent['outcome'] = request.attempt === 1 && row % 5 === 0 ? 'busy' : 'completed';
        const base = {
          org_id: request.org_id,
          attempt_id: request.attempt_id,
          batch_id: request.batch_id,
          contact_id: request.contact_id,
          attempt: request.attempt,
          provider: request.provider,
        };
        const started: CallStartedEvent = {
          ...base,
          event_id: `started:${request.attempt_id}`,
          provider_call_id: `call-${request.attempt_id}`,
          started_at: new Date().toISOString(),
        };
        const finished: CallFinishedEvent = {
          ...base,
          event_id: `finished:${request.attempt_id}`,
          outcome,
          ended_at: new Date().toISOString(),
          duration_seconds: 1,
        };
        // Counted done before the publish: the scheduler may release the next one as soon as it is applied.
        answers.push(
          (async () => {
            await publish(Subjects.callStarted, started);
            outstanding.set(request.batch_id, outstanding.get(request.batch_id)! - 1);
            await publish(Subjects.callFinished, finished);
          })(),
        );
      }
    })();

    const deadline = Date.now() + 60_000;
    for (;;) {
      const rows = await query<{ status: string }>(`SELECT status FROM scheduler.batches WHERE batch_id = ANY($1)`, [
        batchIds,
      ]);
      if (rows.length === 2 && rows.every((r) => r.status === 'completed')) break;
      if (Date.now() > deadline) throw new Error(`batches not completed: ${JSON.stringify(rows)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await messages.close();
    await dialer;
    await Promise.all(answers);

    expect(duplicates).toEqual([]);
    // Every contact once, the fifth ones twice (busy, then completed).
    expect(seen.size).toBe(2 * (perBatch + perBatch / 5));
    expect(peak).toBeLessThanOrEqual(concurrency);
    const batches = await query<{ final_count: number; inflight: number }>(
      `SELECT final_count, inflight FROM scheduler.batches WHERE batch_id = ANY($1)`,
      [batchIds],
    );
    expect(batches).toEqual([
      { final_count: perBatch, inflight: 0 },
      { final_count: perBatch, inflight: 0 },
    ]);
    const contacts = await query<{ status: string; n: number }>(
      `SELECT status, count(*)::int AS n FROM scheduler.contacts WHERE batch_id = ANY($1) GROUP BY status`,
      [batchIds],
    );
    expect(contacts).toEqual([{ status: 'completed', n: 2 * perBatch }]);
  }, 90_000);
});
