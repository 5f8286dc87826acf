import { EventPayload, EventSubject, ResultsFilter, ResultsPage, Subjects } from '@outdial/contracts';
import { Clock, RunningService, startService } from '@outdial/service-runtime';
import { parse } from 'csv-parse/sync';

import { createIsolatedEnv, IsolatedEnv } from '../../../test/support/isolated-env';
import { ReportingEnv } from '../src/reporting-env';
import { reportingService } from '../src/reporting-service';

/** The service's time, fixed so that the completion estimate is exact. */
class FixedClock extends Clock {
  constructor(private readonly at: Date) {
    super();
  }
  now(): Date {
    return new Date(this.at.getTime());
  }
}

const ORG = 'org-1';
const BATCH = 'batch-1';
const START = '2025-01-01T10:00:00.000Z';
const NOW = new Date('2025-01-01T10:10:00.000Z');
const CMD_INJECTION = "=cmd|' /C calc'!A0";
const LONG_TRANSCRIPT = `agent: ${'lorem ipsum, "dolor" '.repeat(80)}`;
const TRANSCRIPT_1 = 'agent: Hello, "Alice"\ncustomer: bye';
const FIXED_COLUMNS = [
  'phone',
  'name',
  'status',
  'attempts',
  'call_id',
  'duration_seconds',
  'recording_url',
  'transcript',
  'error_message',
  'last_attempt_at',
];

const phone = (row: number) => `+1202555${String(row).padStart(4, '0')}`;
const cid = (row: number) => `c${row}`;
const at = (minute: number, second = 0) => new Date(Date.UTC(2025, 0, 1, 10, minute, second)).toISOString();

function contact(row: number, over: Record<string, unknown> = {}) {
  return {
    contact_id: cid(row),
    row,
    phone: phone(row),
    name: `Contact ${row}`,
    priority: 0,
    variables: { plan: `plan-${row}`, note: `note ${row}` },
    status: 'pending',
    ...over,
  };
}

/** The 25 contacts of the batch: rows 1-15 in chunk 0, rows 16-25 in chunk 1. */
const CONTACTS = Array.from({ length: 25 }, (_, i) => {
  const row = i + 1;
  switch (row) {
    case 1:
      return contact(1, { name: 'Alice', variables: { plan: 'gold', note: CMD_INJECTION } });
    case 2:
      return contact(2, { name: 'Bob "B", Jr.' });
    case 3:
    case 17:
      return contact(row, { status: 'suppressed' });
    case 4:
      return contact(4, { phone: '12345', status: 'invalid_number' });
    case 19:
      return contact(19, { variables: { plan: '@SUM(A1)' } });
    default:
      return contact(row);
  }
});

const batchIngested = {
  event_id: 'ev-batch',
  org_id: ORG,
  batch_id: BATCH,
  name: 'January campaign',
  agent_id: 'agent-demo',
  provider: 'simulated',
  from_number: '+12025550100',
  initial_status: 'scheduled',
  settings: { concurrency: 4, max_attempts: 3, scheduled_start_time: '2025-01-01T09:59:00.000Z' },
  total_contacts: 25,
  chunk_count: 2,
  variable_columns: ['plan', 'note'],
  validation: { total_rows: 26, valid_rows: 25, invalid_rows: 1, duplicate_rows: 0, empty_rows: 0, suppressed_rows: 2 },
  estimated_cost: 6.75,
  created_at: '2025-01-01T09:00:00.000Z',
};

const chunk = (index: number) => ({
  event_id: `ev-chunk-${index}`,
  org_id: ORG,
  batch_id: BATCH,
  chunk_index: index,
  chunk_count: 2,
  contacts: index === 0 ? CONTACTS.slice(0, 15) : CONTACTS.slice(15),
});

const update = (row: number, version: number, status: string, over: Record<string, unknown> = {}) => ({
  event_id: `ev-upd-${row}-${version}`,
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

const started = (row: number, attempt: number) => ({
  event_id: `ev-start-${row}-${attempt}`,
  org_id: ORG,
  batch_id: BATCH,
  contact_id: cid(row),
  attempt_id: `a${row}-${attempt}`,
  attempt,
  provider: 'simulated',
  provider_call_id: `sim-${row}-${attempt}`,
  started_at: at(attempt, row),
});

const finished = (
  row: number,
  attempt: number,
  outcome: string,
  duration: number,
  over: Record<string, unknown> = {},
) => ({
  event_id: `ev-end-${row}-${attempt}`,
  org_id: ORG,
  batch_id: BATCH,
  contact_id: cid(row),
  attempt_id: `a${row}-${attempt}`,
  attempt,
  provider: 'simulated',
  outcome,
  ended_at: at(attempt + 3, row),
  duration_seconds: duration,
  ...over,
});

const status = (id: string, value: string, when: string) => ({
  event_id: id,
  org_id: ORG,
  batch_id: BATCH,
  status: value,
  at: when,
});

describe('reporting service against the real PostgreSQL and NATS', () => {
  let env: IsolatedEnv;
  let running: RunningService<ReportingEnv>;
  let republished = 0;

  beforeAll(async () => {
    env = await createIsolatedEnv('reporting');
    running = await startService(
      { ...reportingService, clock: new FixedClock(NOW) },
      { env: { ...process.env, ...env.serviceEnv(), COST_PER_MINUTE: '0.09' } },
    );
  });

  afterAll(async () => {
    await running?.app.close();
    await env?.cleanup();
  });

  /** Publishes like the producing service (validated against the subject's payload class). */
  async function publish<S extends EventSubject>(subject: S, payload: object): Promise<void> {
    await running.runtime.publisher.publish(subject, payload as EventPayload<S>);
  }

  /** The same event again under a new msgID: JetStream does not dedupe it, as after a redelivery. */
  async function publishAgain<S extends EventSubject>(
    subject: S,
    payload: { event_id: string; [field: string]: unknown },
  ): Promise<void> {
    await running.runtime.bus.publishSerialized(
      subject,
      JSON.stringify(payload),
      `${payload.event_id}#again-${++republished}`,
    );
  }

  async function waitFor(predicate: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (await predicate()) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('condition not met in time');
  }

  /** Every reporting consumer has handled (and settled) everything published so far. */
  async function drained(): Promise<boolean> {
    const consumers = await running.runtime.bus.consumerStats();
    return consumers.every((consumer) => consumer.num_pending === 0 && consumer.num_ack_pending === 0);
  }

  const sql = <R extends object>(text: string, params: unknown[] = []) =>
    running.runtime.db.query<R & Record<string, unknown>>(text, params);
  const getBatch = (org = ORG, batch = BATCH) =>
    running.runtime.rpc.request(Subjects.reportingGetBatch, { org_id: org, batch_id: batch });
  const resultsPage = (filter: string, after_row: number, max_bytes: number, org = ORG) =>
    running.runtime.rpc.request(Subjects.reportingResultsPage, {
      org_id: org,
      batch_id: BATCH,
      filter: filter as ResultsFilter,
      after_row,
      max_bytes,
    });

  async function allPages(filter: string, maxBytes: number): Promise<ResultsPage[]> {
    const pages: ResultsPage[] = [];
    let after = 0;
    for (;;) {
      const page = await resultsPage(filter, after, maxBytes);
      pages.push(page);
      if (page.next_after_row === null) return pages;
      expect(page.next_after_row).toBeGreaterThan(after);
      after = page.next_after_row;
    }
  }

  it('holds early events until the batch is known, and keeps scheduler and dialer facts that come before their contacts', async () => {
    // The chunk before its batch: redelivered until the batch exists.
    await publish(Subjects.contactsChunk, chunk(0));
    await new Promise((r) => setTimeout(r, 300));
    await publish(Subjects.batchIngested, batchIngested);
    // Contact 16 (chunk 1, not published yet) is completed, and its call finished before it started.
    await publish(Subjects.contactUpdated, update(16, 1, 'dialing'));
    await publish(
      Subjects.contactUpdated,
      update(16, 2, 'completed', { last_outcome: 'completed', last_attempt_at: at(1, 16) }),
    );
    await publish(
      Subjects.callFinished,
      finished(16, 1, 'completed', 30.5, { recording_url: 'https://rec.example/16.wav', transcript: 'short' }),
    );
    // Contact 1's last update before its earlier ones.
    await publish(
      Subjects.contactUpdated,
      update(1, 3, 'completed', { last_outcome: 'completed', last_attempt_at: at(1, 1) }),
    );
    await waitFor(drained);

    const [placeholder] = await sql(
      `SELECT row, phone, status, final, call_id, duration_seconds FROM reporting.contacts WHERE contact_id = 'c16'`,
    );
    expect(placeholder).toEqual({
      row: null,
      phone: null,
      status: 'completed',
      final: true,
      call_id: 'a16-1',
      duration_seconds: 30.5,
    });
    const view = await getBatch();
    expect(view).toMatchObject({
      status: 'scheduled',
      total_calls: 25,
      completed: 2,
      failed: 2,
      in_progress: 0,
      pending: 21,
    });
  });

  it('applies the rest in any order and repeated, with counters equal to a recount', async () => {
    await publish(Subjects.contactsChunk, chunk(1));
    await publish(Subjects.callStarted, started(16, 1));
    await publish(Subjects.batchStatusChanged, status('ev-running', 'running', START));
    // An older status change delivered late changes nothing but what it knows.
    await publish(Subjects.batchStatusChanged, status('ev-scheduled-late', 'scheduled', '2025-01-01T09:30:00.000Z'));
    // Contact 1: stale versions after the final one; its call finishes before it starts.
    await publish(Subjects.contactUpdated, update(1, 1, 'dialing'));
    await publish(Subjects.contactUpdated, update(1, 2, 'in_progress'));
    await publish(
      Subjects.callFinished,
      finished(1, 1, 'completed', 125, {
        provider_call_id: 'sim-1-1',
        answered_at: at(1, 5),
        recording_url: 'https://rec.example/1.wav',
        transcript: TRANSCRIPT_1,
      }),
    );
    await publish(Subjects.callStarted, started(1, 1));
    // Contact 2: busy, retried, no answer, failed; its second call's end arrives before the first's.
    await publish(Subjects.contactUpdated, update(2, 1, 'dialing'));
    await publish(Subjects.contactUpdated, update(2, 2, 'queued', { last_outcome: 'busy', next_retry_at: at(30) }));
    await publish(Subjects.contactUpdated, update(2, 3, 'dialing', { attempts: 2 }));
    await publish(
      Subjects.contactUpdated,
      update(2, 4, 'failed', { attempts: 2, last_outcome: 'no_answer', last_attempt_at: at(2, 2) }),
    );
    await publish(Subjects.callStarted, started(2, 2));
    await publish(Subjects.callFinished, finished(2, 2, 'no_answer', 0));
    await publish(Subjects.callStarted, started(2, 1));
    await publish(Subjects.callFinished, finished(2, 1, 'busy', 0, { failure_reason: 'SIP 486 busy here' }));
    // Contact 5 is on a call right now.
    await publish(Subjects.contactUpdated, update(5, 1, 'dialing'));
    await publish(Subjects.callStarted, started(5, 1));
    // Contact 18: completed, with a transcript longer than a whole page.
    await publish(Subjects.contactUpdated, update(18, 1, 'completed', { last_outcome: 'completed' }));
    await publish(Subjects.callStarted, started(18, 1));
    await publish(Subjects.callFinished, finished(18, 1, 'completed', 60, { transcript: LONG_TRANSCRIPT }));
    // Contact 6 goes from dialing to queued: it must leave in_progress again.
    await publish(Subjects.contactUpdated, update(6, 1, 'dialing'));
    await publish(Subjects.contactUpdated, update(6, 2, 'queued', { last_outcome: 'busy', next_retry_at: at(40) }));

    await waitFor(drained);

    // A second, different finish of an attempt already finished (e.g. a reaper's timeout) must not count.
    await publish(Subjects.callFinished, { ...finished(1, 1, 'timeout', 600), event_id: 'ev-end-1-1-reaper' });
    // Redeliveries of everything that counts.
    await publishAgain(Subjects.batchIngested, batchIngested);
    await publishAgain(Subjects.contactsChunk, chunk(0));
    await publishAgain(Subjects.contactsChunk, chunk(1));
    await publishAgain(
      Subjects.contactUpdated,
      update(1, 3, 'completed', { last_outcome: 'completed', last_attempt_at: at(1, 1) }),
    );
    await publishAgain(
      Subjects.contactUpdated,
      update(2, 4, 'failed', { attempts: 2, last_outcome: 'no_answer', last_attempt_at: at(2, 2) }),
    );
    await publishAgain(Subjects.contactUpdated, update(6, 1, 'dialing'));
    await publishAgain(
      Subjects.callFinished,
      finished(1, 1, 'completed', 125, {
        provider_call_id: 'sim-1-1',
        answered_at: at(1, 5),
        recording_url: 'https://rec.example/1.wav',
        transcript: TRANSCRIPT_1,
      }),
    );
    await publishAgain(
      Subjects.callFinished,
      finished(16, 1, 'completed', 30.5, { recording_url: 'https://rec.example/16.wav', transcript: 'short' }),
    );
    await publishAgain(Subjects.batchStatusChanged, status('ev-running', 'running', START));
    await waitFor(drained);

    const view = await getBatch();
    // Final: 1, 16, 18 completed; 2 failed; 3, 17 suppressed; 4 invalid number. On a call: 5.
    expect(view).toEqual({
      batch_id: BATCH,
      name: 'January campaign',
      status: 'running',
      agent_id: 'agent-demo',
      from_number: '+12025550100',
      concurrency: 4,
      max_attempts: 3,
      total_calls: 25,
      completed: 3,
      failed: 4,
      pending: 18,
      in_progress: 1,
      progress_percent: 28,
      success_rate: 42.9,
      avg_duration_seconds: 71.8, // (125 + 30.5 + 60) / 3 connected calls
      cost_so_far: 0.3233, // 0.1875 + 0.0458 + 0.09 at 0.09 per minute
      // 4 dialed contacts finished in the 10 minutes since the start: 18 more take 45 minutes.
      estimated_completion: '2025-01-01T10:55:00.000Z',
      created_at: '2025-01-01T09:00:00.000Z',
      scheduled_start_time: '2025-01-01T09:59:00.000Z',
      start_time: START,
      completed_at: null,
      errors: [
        { row: 2, phone: phone(2), error: 'no_answer', retry_count: 1 },
        { row: 3, phone: phone(3), error: 'suppressed', retry_count: 0 },
        { row: 4, phone: '12345', error: 'invalid_number', retry_count: 0 },
        { row: 17, phone: phone(17), error: 'suppressed', retry_count: 0 },
      ],
    });

    // The counters are what a recount of the contacts and attempts gives.
    const [recount] = await sql<{
      total: number;
      final: number;
      completed: number;
      failed: number;
      in_progress: number;
    }>(
      `SELECT count(*) AS total,
              count(*) FILTER (WHERE final) AS final,
              count(*) FILTER (WHERE final AND status = 'completed') AS completed,
              count(*) FILTER (WHERE final AND status <> 'completed') AS failed,
              count(*) FILTER (WHERE NOT final AND status IN ('dialing', 'in_progress')) AS in_progress
         FROM reporting.contacts WHERE batch_id = $1`,
      [BATCH],
    );
    expect(recount.total).toBe(view.total_calls);
    expect(view.completed).toBe(recount.completed);
    expect(view.failed).toBe(recount.failed);
    expect(view.pending).toBe(recount.total - recount.final);
    expect(view.in_progress).toBe(recount.in_progress);
    const [calls] = await sql<{ ended: number; duration_sum: number; connected: number; cost: number }>(
      `SELECT count(*) AS ended, sum(duration_seconds) AS duration_sum, count(*) FILTER (WHERE duration_seconds > 0) AS connected, sum(cost) AS cost
         FROM reporting.attempts WHERE batch_id = $1 AND status = 'ended'`,
      [BATCH],
    );
    expect(calls.ended).toBe(5);
    expect(view.cost_so_far).toBe(calls.cost);
    expect(view.avg_duration_seconds).toBe(Math.round((calls.duration_sum / calls.connected) * 10) / 10);
    const [sums] = await sql<{ duration_sum: number; duration_count: number; cost_so_far: number }>(
      `SELECT duration_sum, duration_count, cost_so_far FROM reporting.batches WHERE batch_id = $1`,
      [BATCH],
    );
    expect(sums).toEqual({
      duration_sum: calls.duration_sum,
      duration_count: calls.connected,
      cost_so_far: calls.cost,
    });
  });

  it('keeps the first finish of an attempt, whatever order its start and finish came in', async () => {
    const attempts = await sql(
      `SELECT attempt_id, status, outcome, provider_call_id, started_at, duration_seconds, cost FROM reporting.attempts ORDER BY attempt_id`,
    );
    expect(attempts).toEqual([
      {
        attempt_id: 'a1-1',
        status: 'ended',
        outcome: 'completed',
        provider_call_id: 'sim-1-1',
        started_at: new Date(at(1, 1)),
        duration_seconds: 125,
        cost: 0.1875,
      },
      {
        attempt_id: 'a16-1',
        status: 'ended',
        outcome: 'completed',
        provider_call_id: 'sim-16-1',
        started_at: new Date(at(1, 16)),
        duration_seconds: 30.5,
        cost: 0.0458,
      },
      {
        attempt_id: 'a18-1',
        status: 'ended',
        outcome: 'completed',
        provider_call_id: 'sim-18-1',
        started_at: new Date(at(1, 18)),
        duration_seconds: 60,
        cost: 0.09,
      },
      {
        attempt_id: 'a2-1',
        status: 'ended',
        outcome: 'busy',
        provider_call_id: 'sim-2-1',
        started_at: new Date(at(1, 2)),
        duration_seconds: 0,
        cost: 0,
      },
      {
        attempt_id: 'a2-2',
        status: 'ended',
        outcome: 'no_answer',
        provider_call_id: 'sim-2-2',
        started_at: new Date(at(2, 2)),
        duration_seconds: 0,
        cost: 0,
      },
      {
        attempt_id: 'a5-1',
        status: 'dialing',
        outcome: null,
        provider_call_id: 'sim-5-1',
        started_at: new Date(at(1, 5)),
        duration_seconds: null,
        cost: null,
      },
    ]);
    const [c2] = await sql(
      `SELECT call_id, failure_reason, attempts, last_outcome FROM reporting.contacts WHERE contact_id = 'c2'`,
    );
    expect(c2).toEqual({ call_id: 'a2-2', failure_reason: null, attempts: 2, last_outcome: 'no_answer' });
  });

  it('answers not_found for another org and for an unknown batch alike', async () => {
    await expect(getBatch('org-2')).rejects.toMatchObject({ code: 'not_found', message: 'batch not found' });
    await expect(getBatch(ORG, 'no-such-batch')).rejects.toMatchObject({
      code: 'not_found',
      message: 'batch not found',
    });
    await expect(resultsPage('all', 0, 4096, 'org-2')).rejects.toMatchObject({
      code: 'not_found',
      message: 'batch not found',
    });
  });

  it('exports the results CSV in small pages that concatenate to the whole file', async () => {
    const whole = await allPages('all', 900_000);
    expect(whole).toHaveLength(1);
    const pages = await allPages('all', 1024);
    expect(pages.length).toBeGreaterThan(3);
    expect(pages.map((p) => p.csv).join('')).toBe(whole[0].csv);
    for (const [i, page] of pages.entries()) {
      const records = parse(page.csv, { relax_column_count: false }) as string[][];
      // Within budget, unless the page is one record that alone is larger.
      if (Buffer.byteLength(page.csv) > 1024) expect(records).toHaveLength(i === 0 ? 2 : 1);
      if (i > 0) expect(records[0][0]).not.toBe('phone');
    }
    expect(pages.find((p) => p.csv.includes('lorem ipsum'))!.csv).toMatch(/^\+12025550018,/);

    const [header, ...records] = parse(whole[0].csv) as string[][];
    expect(header).toEqual([...FIXED_COLUMNS, 'plan', 'note']);
    expect(records.map((r) => r[0])).toEqual(CONTACTS.map((c) => c.phone));
    const byRow = (row: number) => records[row - 1];
    expect(byRow(1)).toEqual([
      '+12025550001',
      'Alice',
      'completed',
      '1',
      'a1-1',
      '125',
      'https://rec.example/1.wav',
      TRANSCRIPT_1,
      '',
      at(1, 1),
      'gold',
      `'${CMD_INJECTION}`,
    ]);
    expect(byRow(2)).toEqual([
      '+12025550002',
      'Bob "B", Jr.',
      'failed',
      '2',
      'a2-2',
      '0',
      '',
      '',
      'no_answer',
      at(2, 2),
      'plan-2',
      'note 2',
    ]);
    expect(byRow(3)).toEqual([
      '+12025550003',
      'Contact 3',
      'suppressed',
      '0',
      '',
      '',
      '',
      '',
      'suppressed',
      '',
      'plan-3',
      'note 3',
    ]);
    expect(byRow(6)).toEqual(['+12025550006', 'Contact 6', 'queued', '1', '', '', '', '', '', '', 'plan-6', 'note 6']);
    expect(byRow(16)).toEqual([
      '+12025550016',
      'Contact 16',
      'completed',
      '1',
      'a16-1',
      '30.5',
      'https://rec.example/16.wav',
      'short',
      '',
      at(1, 16),
      'plan-16',
      'note 16',
    ]);
    expect(byRow(18)[7]).toBe(LONG_TRANSCRIPT);
    expect(byRow(19).slice(-2)).toEqual(["'@SUM(A1)", '']);
    expect(whole[0].csv).toContain(`,'${CMD_INJECTION}\r\n`);
    expect(whole[0].csv.endsWith('\r\n')).toBe(true);
  });

  it('filters successful and failed contacts, each page after the first without the header', async () => {
    const successful = parse((await allPages('successful', 1024)).map((p) => p.csv).join('')) as string[][];
    expect(successful.map((r) => r[0])).toEqual(['phone', phone(1), phone(16), phone(18)]);
    const failed = parse((await allPages('failed', 1024)).map((p) => p.csv).join('')) as string[][];
    expect(failed.map((r) => [r[0], r[2], r[8]])).toEqual([
      ['phone', 'status', 'error_message'],
      [phone(2), 'failed', 'no_answer'],
      [phone(3), 'suppressed', 'suppressed'],
      ['12345', 'invalid_number', 'invalid_number'],
      [phone(17), 'suppressed', 'suppressed'],
    ]);
    // A page that starts past the end is empty and final.
    await expect(resultsPage('all', 25, 1024)).resolves.toEqual({ csv: '', next_after_row: null });
  });

  it('records the end of the batch', async () => {
    await publish(Subjects.batchStatusChanged, status('ev-completed', 'completed', at(20)));
    await waitFor(drained);
    await expect(getBatch()).resolves.toMatchObject({
      status: 'completed',
      completed_at: at(20),
      start_time: START,
      estimated_completion: null,
    });
  });

  it('keeps per-status counts and the attempt count equal to a recount; a declined dial changes nothing', async () => {
    const before = await getBatch();
    await publish(Subjects.callDeclined, {
      event_id: 'ev-declined-7',
      org_id: ORG,
      batch_id: BATCH,
      contact_id: cid(7),
      attempt_id: 'a7-1',
      attempt: 1,
      reason: 'outside_window',
      at: at(21),
    });
    await publishAgain(Subjects.callStarted, started(2, 2));
    await waitFor(drained);
    expect(await getBatch()).toEqual(before);
    expect(await sql(`SELECT 1 FROM reporting.attempts WHERE attempt_id = 'a7-1'`)).toEqual([]);
    const counts = await sql<{ status: string; count: number }>(
      `SELECT status, count FROM reporting.contact_status_counts WHERE batch_id = $1 AND count <> 0 ORDER BY status`,
      [BATCH],
    );
    const recount = await sql<{ status: string; count: number }>(
      `SELECT status, count(*) AS count FROM reporting.contacts WHERE batch_id = $1 AND row IS NOT NULL GROUP BY status ORDER BY status`,
      [BATCH],
    );
    expect(counts).toEqual(recount);
    expect(counts).toEqual([
      { status: 'completed', count: 3 },
      { status: 'dialing', count: 1 },
      { status: 'failed', count: 1 },
      { status: 'invalid_number', count: 1 },
      { status: 'pending', count: 16 },
      { status: 'queued', count: 1 },
      { status: 'suppressed', count: 2 },
    ]);
    const [{ attempt_count }] = await sql<{ attempt_count: number }>(
      `SELECT attempt_count FROM reporting.batches WHERE batch_id = $1`,
      [BATCH],
    );
    const [{ n }] = await sql<{ n: number }>(`SELECT count(*) AS n FROM reporting.attempts WHERE batch_id = $1`, [
      BATCH,
    ]);
    expect(attempt_count).toBe(n);
    expect(n).toBe(6);
  });

  it('serves contacts and calls pages from the read model', async () => {
    const contactsPage = (over: Record<string, unknown>) =>
      running.runtime.rpc.request(Subjects.reportingContactsPage, {
        org_id: ORG,
        batch_id: BATCH,
        page: 1,
        page_size: 25,
        ...over,
      });
    expect((await contactsPage({})).total).toBe(25);
    expect((await contactsPage({ status: ['suppressed', 'invalid_number'] })).items.map((c) => c.row)).toEqual([
      3, 4, 17,
    ]);
    expect((await contactsPage({ status: ['suppressed'] })).total).toBe(2);
    expect((await contactsPage({ attempts: 2 })).items.map((c) => c.row)).toEqual([2]);
    expect((await contactsPage({ search: 'bob "b"' })).items.map((c) => c.row)).toEqual([2]);
    expect((await contactsPage({ search: '202-555-0018' })).items.map((c) => c.row)).toEqual([18]);
    await expect(contactsPage({ org_id: 'org-2' })).rejects.toMatchObject({ code: 'not_found' });
    await expect(contactsPage({ page_size: 20 })).rejects.toThrow(
      /page_size must be one of the following values: 25, 50, 100/,
    );
    const calls = await running.runtime.rpc.request(Subjects.reportingCallsPage, {
      org_id: ORG,
      batch_id: BATCH,
      page: 1,
      page_size: 2,
    });
    expect(calls.total).toBe(6);
    expect(calls.items).toHaveLength(2);
  });

  it('deletes every row of a deleted batch, and late events of it do not bring it back', async () => {
    await publish(Subjects.batchDeleted, { event_id: 'ev-deleted', org_id: ORG, batch_id: BATCH, at: at(30) });
    await waitFor(drained);
    for (const table of ['batches', 'contacts', 'attempts', 'contact_status_counts', 'webhook_deliveries']) {
      expect([table, await sql(`SELECT 1 FROM reporting.${table} WHERE batch_id = $1`, [BATCH])]).toEqual([table, []]);
    }
    await expect(getBatch()).rejects.toMatchObject({ code: 'not_found' });
    // Stray events of the deleted batch, on every stream: dropped, not held for redelivery.
    await publishAgain(Subjects.batchIngested, batchIngested);
    await publishAgain(Subjects.contactsChunk, chunk(0));
    await publish(Subjects.contactUpdated, update(9, 1, 'dialing'));
    await publish(Subjects.callStarted, started(9, 1));
    await publish(Subjects.callFinished, finished(9, 1, 'completed', 10));
    await publish(Subjects.batchStatusChanged, status('ev-late-status', 'running', at(31)));
    await publishAgain(Subjects.batchDeleted, { event_id: 'ev-deleted', org_id: ORG, batch_id: BATCH, at: at(30) });
    await waitFor(drained);
    for (const table of ['batches', 'contacts', 'attempts', 'contact_status_counts']) {
      expect([table, await sql(`SELECT 1 FROM reporting.${table} WHERE batch_id = $1`, [BATCH])]).toEqual([table, []]);
    }
    expect(await sql(`SELECT batch_id FROM reporting.deleted_batches`)).toEqual([{ batch_id: BATCH }]);
  });
});
