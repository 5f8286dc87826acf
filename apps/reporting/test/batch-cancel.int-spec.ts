import { EventPayload, EventSubject, Subjects } from '@outdial/contracts';
import { RunningService, startService } from '@outdial/service-runtime';

import { createIsolatedEnv, IsolatedEnv } from '../../../test/support/isolated-env';
import { ReportingEnv } from '../src/reporting-env';
import { reportingService } from '../src/reporting-service';

/**
 * Issue 15, "consistent final states": once the read model says a batch is `cancelled`, its
 * contacts list and counters agree with it (SPEC §4: calls in progress finish; every non-final
 * contact ends `cancelled`), and the scheduler's later per-contact decisions count nothing twice.
 */
const ORG = 'org-c';
const BATCH = 'batch-cancel-1';
const cid = (row: number) => `cc${row}`;
const at = (second: number) => new Date(Date.UTC(2025, 0, 1, 10, 0, second)).toISOString();
const WAITING = ['pending', 'queued'];

const update = (row: number, version: number, status: string, over: Record<string, unknown> = {}) => ({
  event_id: `ev-c-upd-${row}-${version}`,
  org_id: ORG,
  batch_id: BATCH,
  contact_id: cid(row),
  version,
  status,
  final: !['pending', 'queued', 'dialing', 'in_progress'].includes(status),
  attempts: 1,
  at: at(version),
  ...over,
});

describe('a cancelled batch in the read model (PostgreSQL, NATS)', () => {
  let env: IsolatedEnv;
  let running: RunningService<ReportingEnv>;

  beforeAll(async () => {
    env = await createIsolatedEnv('reportingcancel');
    running = await startService(reportingService, { env: { ...process.env, ...env.serviceEnv() } });
  });

  afterAll(async () => {
    await running?.app.close();
    await env?.cleanup();
  });

  async function publish<S extends EventSubject>(subject: S, payload: object): Promise<void> {
    await running.runtime.publisher.publish(subject, payload as EventPayload<S>);
  }

  async function waitFor(predicate: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (await predicate()) return;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error('condition not met in time');
  }

  async function drained(): Promise<boolean> {
    const consumers = await running.runtime.bus.consumerStats();
    return consumers.every((consumer) => consumer.num_pending === 0 && consumer.num_ack_pending === 0);
  }

  const getBatch = () => running.runtime.rpc.request(Subjects.reportingGetBatch, { org_id: ORG, batch_id: BATCH });
  const contactsList = async () =>
    (
      await running.runtime.rpc.request(Subjects.reportingContactsPage, {
        org_id: ORG,
        batch_id: BATCH,
        page: 1,
        page_size: 100,
      })
    ).items;

  /** The status view's counters against the contacts list of the same moment. */
  function expectAgree(
    view: { total_calls: number; completed: number; failed: number; pending: number; in_progress: number },
    items: { status: string }[],
  ): void {
    const count = (pred: (s: string) => boolean) => items.filter((i) => pred(i.status)).length;
    expect(items).toHaveLength(view.total_calls);
    expect(view.completed).toBe(count((s) => s === 'completed'));
    expect(view.in_progress).toBe(count((s) => s === 'dialing' || s === 'in_progress'));
    expect(view.pending).toBe(count((s) => !['completed'].includes(s) && !isFinal(s)));
    expect(view.failed).toBe(count((s) => s !== 'completed' && isFinal(s)));
  }
  const isFinal = (s: string) => !['pending', 'queued', 'dialing', 'in_progress'].includes(s);

  it('shows no waiting contact from the first read that says cancelled; the calls in progress finish with their outcome', async () => {
    await publish(Subjects.batchIngested, {
      event_id: 'ev-c-batch',
      org_id: ORG,
      batch_id: BATCH,
      name: 'cancel me',
      agent_id: 'agent-demo',
      provider: 'simulated',
      from_number: '+12025550100',
      initial_status: 'running',
      settings: { concurrency: 4, max_attempts: 3 },
      total_contacts: 12,
      chunk_count: 1,
      variable_columns: [],
      validation: {
        total_rows: 12,
        valid_rows: 12,
        invalid_rows: 0,
        duplicate_rows: 0,
        empty_rows: 0,
        suppressed_rows: 0,
      },
      estimated_cost: 1,
      created_at: at(0),
    });
    await publish(Subjects.contactsChunk, {
      event_id: 'ev-c-chunk-0',
      org_id: ORG,
      batch_id: BATCH,
      chunk_index: 0,
      chunk_count: 1,
      contacts: Array.from({ length: 12 }, (_, i) => ({
        contact_id: cid(i + 1),
        row: i + 1,
        phone: `+1202555${String(i + 1).padStart(4, '0')}`,
        priority: 0,
        variables: {},
        status: i + 1 === 12 ? 'suppressed' : 'pending',
      })),
    });
    // 1-3 queued for a retry, 4-5 in a call, 6 completed, 7-11 pending (never dialed), 12 suppressed.
    for (const row of [1, 2, 3])
      await publish(
        Subjects.contactUpdated,
        update(row, 2, 'queued', { last_outcome: 'no_answer', next_retry_at: at(50) }),
      );
    await publish(Subjects.contactUpdated, update(4, 1, 'dialing'));
    await publish(Subjects.contactUpdated, update(5, 2, 'in_progress'));
    await publish(Subjects.contactUpdated, update(6, 2, 'completed', { last_outcome: 'completed' }));
    await waitFor(drained);
    const running1 = await getBatch();
    expect(running1).toMatchObject({ status: 'running', pending: 10, in_progress: 2, completed: 1, failed: 1 });

    await publish(Subjects.batchStatusChanged, {
      event_id: 'ev-c-cancel',
      org_id: ORG,
      batch_id: BATCH,
      status: 'cancelled',
      previous_status: 'running',
      at: at(30),
    });
    // The first read that says cancelled.
    let view = await getBatch();
    await waitFor(async () => {
      view = await getBatch();
      return view.status === 'cancelled';
    });
    const items = await contactsList();
    expect(items.filter((i: { status: string }) => WAITING.includes(i.status))).toEqual([]);
    expectAgree(view, items);
    expect(view).toMatchObject({ pending: 2, in_progress: 2, completed: 1, failed: 9 });

    // Then the scheduler's own decisions: a retry planned before the cancel arriving late, its
    // per-contact cancels, and the calls in progress finishing with their real outcome.
    await publish(Subjects.contactUpdated, update(1, 3, 'queued', { attempts: 2, next_retry_at: at(70) }));
    for (const row of [1, 2, 3]) await publish(Subjects.contactUpdated, update(row, 4, 'cancelled'));
    for (const row of [7, 8, 9, 10, 11])
      await publish(Subjects.contactUpdated, update(row, 1, 'cancelled', { attempts: 0 }));
    await publish(Subjects.contactUpdated, update(4, 2, 'completed', { last_outcome: 'completed' }));
    await publish(Subjects.contactUpdated, update(5, 3, 'cancelled', { last_outcome: 'no_answer' }));
    await waitFor(drained);

    const end = await getBatch();
    const endItems = await contactsList();
    expectAgree(end, endItems);
    expect(end).toMatchObject({ status: 'cancelled', pending: 0, in_progress: 0, completed: 2, failed: 10 });
    expect(Object.fromEntries(endItems.map((i: { row: number; status: string }) => [i.row, i.status]))).toEqual({
      1: 'cancelled',
      2: 'cancelled',
      3: 'cancelled',
      4: 'completed',
      5: 'cancelled',
      6: 'completed',
      7: 'cancelled',
      8: 'cancelled',
      9: 'cancelled',
      10: 'cancelled',
      11: 'cancelled',
      12: 'suppressed',
    });
    // Per-status counts equal a recount (nothing counted twice).
    const counts = await running.runtime.db.query(
      `SELECT status, count::int AS n FROM reporting.contact_status_counts WHERE batch_id = $1 AND count <> 0 ORDER BY status`,
      [BATCH],
    );
    const recount = await running.runtime.db.query(
      `SELECT status, count(*)::int AS n FROM reporting.contacts WHERE batch_id = $1 GROUP BY status ORDER BY status`,
      [BATCH],
    );
    expect(counts).toEqual(recount);
  });

  it('brings the waiting contacts of a chunk that arrives after the cancel in cancelled', async () => {
    await publish(Subjects.contactsChunk, {
      event_id: 'ev-c-chunk-late',
      org_id: ORG,
      batch_id: BATCH,
      chunk_index: 1,
      chunk_count: 2,
      contacts: [
        { contact_id: cid(13), row: 13, phone: '+12025550013', priority: 0, variables: {}, status: 'pending' },
      ],
    });
    await waitFor(drained);
    const items = await contactsList();
    expect(items.find((i: { row: number }) => i.row === 13)).toMatchObject({ status: 'cancelled' });
  });
});
