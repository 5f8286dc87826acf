import { JetStreamManager, jetstreamManager } from '@nats-io/jetstream';
import { connect, NatsConnection } from '@nats-io/transport-node';
import {
  BatchActionResult,
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
 * The scheduler as one service against the real PostgreSQL and NATS: driven only by what the other
 * services would publish (ingest's batch and contacts chunk, the dialer's call events, the gateway's
 * batch action RPC), observed through the dial requests it publishes (the DIAL work queue, which
 * nothing consumes here) and its own tables.
 */
describe('scheduler against the real PostgreSQL and NATS', () => {
  let env: IsolatedEnv;
  let scheduler: RunningService<SchedulerEnv>;
  let nc: NatsConnection;
  let jsm: JetStreamManager;

  beforeAll(async () => {
    env = await createIsolatedEnv('scheduler');
    scheduler = await startService(schedulerService, {
      env: { ...process.env, ...env.serviceEnv(), SCHEDULER_TICK_MS: '50' },
    });
    nc = await connect({ servers: env.natsUrl });
    jsm = await jetstreamManager(nc);
    // The tests are about the batch's own limit (concurrency 1), not the org's (defaults: 5 calls).
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
    await waitFor(
      async () => (await query(`SELECT 1 FROM scheduler.orgs WHERE org_id = 'org-1'`)).length > 0,
      'org settings applied',
    );
  });

  afterAll(async () => {
    await nc?.close();
    await scheduler?.app.close();
    await env?.cleanup();
  });

  // ---- helpers ------------------------------------------------------------------------------

  /** Publishes as the other services would (validated against the subject's payload class outside production). */
  async function publish<S extends EventSubject>(subject: S, payload: EventPayload<S>): Promise<void> {
    await scheduler.runtime.publisher.publish(subject, payload);
  }

  function query<R extends object = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<R[]> {
    return scheduler.runtime.db.query<R & Record<string, unknown>>(sql, params);
  }

  /** Every dial request published so far, in order (the DIAL work queue keeps them: no dialer consumes it here). */
  async function dialRequests(batchId: string): Promise<DialRequest[]> {
    const stream = prefixedStreamName(env.prefix, 'DIAL');
    const info = await jsm.streams.info(stream);
    const found: DialRequest[] = [];
    for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
      const message = await jsm.streams.getMessage(stream, { seq }).catch(() => null);
      if (!message || message.subject !== prefixedSubject(env.prefix, Subjects.dialRequested)) continue;
      const request = parsePayload(Subjects.dialRequested, message.json());
      if (request.batch_id === batchId) found.push(request);
    }
    return found;
  }

  async function waitFor(predicate: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (await predicate()) return;
      await sleep(50);
    }
    throw new Error(`${what} not met within ${timeoutMs} ms`);
  }

  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  function finished(request: DialRequest, outcome: CallFinishedEvent['outcome']): CallFinishedEvent {
    return {
      event_id: `call-finished:${request.attempt_id}`,
      org_id: request.org_id,
      attempt_id: request.attempt_id,
      batch_id: request.batch_id,
      contact_id: request.contact_id,
      attempt: request.attempt,
      provider: request.provider,
      outcome,
      ended_at: new Date().toISOString(),
      duration_seconds: 1,
    };
  }

  async function batchAction(batchId: string, action: 'pause' | 'resume' | 'cancel'): Promise<BatchActionResult> {
    return scheduler.runtime.rpc.request(Subjects.schedulerBatchAction, {
      org_id: 'org-1',
      batch_id: batchId,
      action,
      actor: 'test',
    });
  }

  const contactRow = async (contactId: string) =>
    (
      await query<{ status: string; attempts: number; last_outcome: string | null }>(
        `SELECT status, attempts, last_outcome FROM scheduler.contacts WHERE contact_id = $1`,
        [contactId],
      )
    )[0];
  const batchRow = async (batchId: string) =>
    (
      await query<{ status: string; inflight: number; final_count: number; completed_at: Date | null }>(
        `SELECT status, inflight, final_count, completed_at FROM scheduler.batches WHERE batch_id = $1`,
        [batchId],
      )
    )[0];

  // ---- tests --------------------------------------------------------------------------------

  it('a batch and its contacts chunk become dial requests, within the batch concurrency, highest priority first', async () => {
    await publish(Subjects.batchIngested, batchIngested('b-flow', 3, {}, { concurrency: 2 }));
    await publish(
      Subjects.contactsChunk,
      contactsChunk('b-flow', [contact('b-flow', 1), contact('b-flow', 2, { priority: 9 }), contact('b-flow', 3)]),
    );
    await waitFor(async () => (await dialRequests('b-flow')).length === 2, 'two dial requests');
    await sleep(300); // a few more passes: still two (concurrency 2)
    const requests = await dialRequests('b-flow');
    expect(requests).toHaveLength(2);
    expect(requests.map((r) => r.contact_id).sort()).toEqual(['b-flow-c1', 'b-flow-c2']);
    expect(requests.find((r) => r.contact_id === 'b-flow-c2')).toMatchObject({
      attempt_id: 'b-flow-c2:1',
      attempt: 1,
      org_id: 'org-1',
      phone: '+14155551002',
      from_number: '+12025550100',
      agent_id: 'agent-1',
      provider: 'simulated',
      variables: { row: '2' },
      batch_concurrency: 2,
    });
    expect(await batchRow('b-flow')).toMatchObject({ status: 'running', inflight: 2 });
  });

  it('a call finished event records the outcome and frees the slot for the next contact; the last one completes the batch', async () => {
    const [first, second] = await dialRequests('b-flow');
    await publish(Subjects.callFinished, finished(first, 'completed'));
    await waitFor(async () => (await contactRow(first.contact_id)).status === 'completed', 'outcome recorded');
    expect(await contactRow(first.contact_id)).toEqual({ status: 'completed', attempts: 1, last_outcome: 'completed' });
    await waitFor(async () => (await dialRequests('b-flow')).length === 3, 'the third contact released');
    const third = (await dialRequests('b-flow'))[2];
    expect(third.contact_id).toBe('b-flow-c3');

    await publish(Subjects.callFinished, finished(second, 'invalid_number'));
    await publish(Subjects.callFinished, finished(third, 'completed'));
    await waitFor(async () => (await batchRow('b-flow')).status === 'completed', 'batch completed');
    expect(await batchRow('b-flow')).toMatchObject({ inflight: 0, final_count: 3 });
    expect((await contactRow(second.contact_id)).status).toBe('invalid_number');
  });

  it('a paused batch releases nothing more, even as slots free up; resume releases again', async () => {
    await publish(Subjects.batchIngested, batchIngested('b-pause', 3, {}, { concurrency: 1 }));
    await publish(
      Subjects.contactsChunk,
      contactsChunk('b-pause', [contact('b-pause', 1), contact('b-pause', 2), contact('b-pause', 3)]),
    );
    await waitFor(async () => (await dialRequests('b-pause')).length === 1, 'first dial request');

    expect(await batchAction('b-pause', 'pause')).toMatchObject({
      batch_id: 'b-pause',
      status: 'paused',
      previous_status: 'running',
    });
    const [first] = await dialRequests('b-pause');
    await publish(Subjects.callFinished, finished(first, 'completed'));
    await waitFor(
      async () => (await contactRow(first.contact_id)).status === 'completed',
      'outcome recorded while paused',
    );
    await sleep(500); // ten passes at SCHEDULER_TICK_MS 50
    expect(await dialRequests('b-pause')).toHaveLength(1);
    expect(await batchRow('b-pause')).toMatchObject({ status: 'paused', inflight: 0 });

    expect(await batchAction('b-pause', 'resume')).toMatchObject({ status: 'running', previous_status: 'paused' });
    await waitFor(async () => (await dialRequests('b-pause')).length === 2, 'released again after resume');
  });

  it('a busy result is retried with the next attempt number after the policy delay', async () => {
    await publish(
      Subjects.batchIngested,
      batchIngested('b-retry', 1, {}, { max_attempts: 2, retry_policy: { retry_on: ['busy'], delays_seconds: [1] } }),
    );
    await publish(Subjects.contactsChunk, contactsChunk('b-retry', [contact('b-retry', 1)]));
    await waitFor(async () => (await dialRequests('b-retry')).length === 1, 'first attempt');
    const [first] = await dialRequests('b-retry');
    await publish(Subjects.callFinished, finished(first, 'busy'));
    await waitFor(async () => (await contactRow(first.contact_id)).status === 'queued', 'queued for a retry');
    await waitFor(async () => (await dialRequests('b-retry')).length === 2, 'second attempt');
    expect((await dialRequests('b-retry'))[1]).toMatchObject({
      contact_id: 'b-retry-c1',
      attempt: 2,
      attempt_id: 'b-retry-c1:2',
    });
  });

  /** Every batch status change the scheduler published for the batch, in order. */
  async function statusEvents(batchId: string): Promise<EventPayload<typeof Subjects.batchStatusChanged>[]> {
    const stream = prefixedStreamName(env.prefix, 'BATCH');
    const info = await jsm.streams.info(stream);
    const found: EventPayload<typeof Subjects.batchStatusChanged>[] = [];
    for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
      const message = await jsm.streams.getMessage(stream, { seq }).catch(() => null);
      if (!message || message.subject !== prefixedSubject(env.prefix, Subjects.batchStatusChanged)) continue;
      const event = parsePayload(Subjects.batchStatusChanged, message.json());
      if (event.batch_id === batchId) found.push(event);
    }
    return found;
  }

  function started(request: DialRequest): CallStartedEvent {
    return {
      event_id: `call-started:${request.attempt_id}`,
      org_id: request.org_id,
      attempt_id: request.attempt_id,
      batch_id: request.batch_id,
      contact_id: request.contact_id,
      attempt: request.attempt,
      provider: request.provider,
      provider_call_id: `call-${request.attempt_id}`,
      started_at: new Date().toISOString(),
    } as CallStartedEvent;
  }

  it('many call events at once are applied in groups: every contact once, counters exact, duplicates change nothing', async () => {
    const n = 40;
    await publish(Subjects.batchIngested, batchIngested('b-group', n, {}, { concurrency: n }));
    await publish(
      Subjects.contactsChunk,
      contactsChunk(
        'b-group',
        Array.from({ length: n }, (_, i) => contact('b-group', i + 1)),
      ),
    );
    await waitFor(async () => (await dialRequests('b-group')).length === n, 'every contact released');
    const requests = await dialRequests('b-group');
    await Promise.all(requests.map((r) => publish(Subjects.callStarted, started(r))));
    await waitFor(
      async () =>
        (await query(`SELECT 1 FROM scheduler.contacts WHERE batch_id = 'b-group' AND status = 'in_progress'`))
          .length === n,
      'every call in progress',
    );
    // Every result, and a redelivered copy of a quarter of them (another event id: not deduplicated by NATS).
    await Promise.all([
      ...requests.map((r) => publish(Subjects.callFinished, finished(r, 'completed'))),
      ...requests
        .slice(0, n / 4)
        .map((r) => publish(Subjects.callFinished, { ...finished(r, 'completed'), event_id: `again:${r.attempt_id}` })),
    ]);
    await waitFor(async () => (await batchRow('b-group')).status === 'completed', 'batch completed');
    expect(await batchRow('b-group')).toMatchObject({ inflight: 0, final_count: n });
    const versions = await query<{ status: string; version: number; attempts: number }>(
      `SELECT status, version, attempts FROM scheduler.contacts WHERE batch_id = 'b-group'`,
    );
    // created (1), released (2), started (3), finished (4): each change exactly once.
    expect(versions.every((c) => c.status === 'completed' && c.version === 4 && c.attempts === 1)).toBe(true);
    expect((await statusEvents('b-group')).filter((e) => e.status === 'completed')).toHaveLength(1);
  });

  it('an attempt that failed unrecoverably ends its batch failed at once, with the reason; nothing more is released', async () => {
    await publish(Subjects.batchIngested, batchIngested('b-unrec', 3, {}, { concurrency: 1 }));
    await publish(
      Subjects.contactsChunk,
      contactsChunk('b-unrec', [contact('b-unrec', 1), contact('b-unrec', 2), contact('b-unrec', 3)]),
    );
    await waitFor(async () => (await dialRequests('b-unrec')).length === 1, 'first dial request');
    const [first] = await dialRequests('b-unrec');
    await publish(Subjects.callFinished, {
      ...finished(first, 'failed'),
      unrecoverable_reason: 'provider_not_configured',
    });
    await waitFor(async () => (await batchRow('b-unrec')).status === 'failed', 'batch failed');
    await waitFor(
      async () => (await statusEvents('b-unrec')).some((e) => e.status === 'failed'),
      'batch.status_changed failed published',
    );
    const failed = (await statusEvents('b-unrec')).find((e) => e.status === 'failed')!;
    expect(failed).toMatchObject({ previous_status: 'running', actor: 'dialer' });
    expect(failed.reason).toContain('provider simulated is not configured');
    expect(await contactRow(first.contact_id)).toEqual({ status: 'failed', attempts: 1, last_outcome: 'failed' });
    await sleep(500); // ten passes at SCHEDULER_TICK_MS 50: the slot is free, but a failed batch releases nothing
    expect(await dialRequests('b-unrec')).toHaveLength(1);
    expect(await batchRow('b-unrec')).toMatchObject({ status: 'failed', inflight: 0, final_count: 1 });
    // A second unrecoverable result (a call that was in flight) changes the status no more.
    expect((await statusEvents('b-unrec')).filter((e) => e.status === 'failed')).toHaveLength(1);
  });

  it('a batch action on an unknown batch is not_found', async () => {
    await expect(batchAction('b-nope', 'pause')).rejects.toMatchObject({ code: 'not_found' });
  });
});
