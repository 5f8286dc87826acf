import {
  api,
  maxOverlap,
  parseCsv,
  RunningPlatform,
  startPlatform,
  uploadCsv,
  waitForBatch,
} from '../support/platform';

/** 200 contacts, each with its scripted outcome. */
const SCRIPT: { outcome: string; count: number; status: string }[] = [
  { outcome: 'completed', count: 110, status: 'completed' },
  { outcome: 'busy', count: 30, status: 'failed' },
  { outcome: 'no_answer', count: 20, status: 'failed' },
  { outcome: 'voicemail', count: 20, status: 'voicemail' },
  { outcome: 'failed', count: 10, status: 'failed' },
  { outcome: 'invalid_number', count: 5, status: 'invalid_number' },
  { outcome: 'opted_out', count: 5, status: 'opted_out' },
];

function buildCsv(): { csv: string; expected: Map<string, string> } {
  const expected = new Map<string, string>();
  const lines = ['phone,name,sim_outcomes,sim_duration_seconds,note'];
  let i = 0;
  for (const { outcome, count, status } of SCRIPT) {
    for (let n = 0; n < count; n++, i++) {
      const phone = `+1415555${String(1000 + i).padStart(4, '0')}`;
      expected.set(phone, status);
      lines.push(`${phone},Contact ${i},${outcome},${(i * 7) % 13},"row ${i}, scripted ${outcome}"`);
    }
  }
  return { csv: lines.join('\n') + '\n', expected };
}

describe('one batch end to end through the five services', () => {
  let platform: RunningPlatform;

  beforeAll(async () => {
    platform = await startPlatform('slice');
    // The org defaults (1 call/s) would make this a test of the rate limit, not of the pipeline.
    const limits = await api(platform, '/api/org', {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ calls_per_second: 100 }),
    });
    expect(limits.status).toBe(200);
  }, 120_000);

  afterAll(async () => {
    await platform?.stop();
  });

  it('calls 200 contacts once each, never above the batch concurrency, and reports the scripted outcomes', async () => {
    const { csv, expected } = buildCsv();
    const created = await uploadCsv(platform, csv, {
      agent_id: 'agent-demo',
      concurrency: '5',
      max_attempts: '1',
      name: 'Slice test',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      status: 'running',
      name: 'Slice test',
      validation: { total_rows: 200, valid_rows: 200, invalid_rows: 0, duplicate_rows: 0 },
    });
    const batchId = created.body.batch_id;
    // Readable at once after the 201 (no window where the new batch is a 404).
    const first = await api(platform, `/api/batch-calls/${batchId}`);
    expect(first.status).toBe(200);
    expect(first.body.total_calls).toBe(200);

    const status = await waitForBatch(platform, batchId, 'completed', 180_000);
    const successful = SCRIPT.filter((s) => s.status === 'completed').reduce((a, s) => a + s.count, 0);
    expect(status).toMatchObject({
      batch_id: batchId,
      status: 'completed',
      agent_id: 'agent-demo',
      from_number: '+12025550100',
      concurrency: 5,
      max_attempts: 1,
      total_calls: 200,
      completed: successful,
      failed: 200 - successful,
      pending: 0,
      in_progress: 0,
      progress_percent: 100,
    });
    expect(status.completed_at).toBeTruthy();

    // Results CSV: one record per contact, with the status its script leads to.
    const results = await api(platform, `/api/batch-calls/${batchId}/results`);
    expect(results.status).toBe(200);
    expect(results.headers.get('content-type')).toMatch(/text\/csv/);
    const [header, ...rows] = parseCsv(results.text);
    expect(header.slice(0, 10)).toEqual([
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
    ]);
    expect(rows).toHaveLength(200);
    const statusByPhone = new Map(rows.map((r) => [r[0], r[2]]));
    for (const [phone, expectedStatus] of expected)
      expect([phone, statusByPhone.get(phone)]).toEqual([phone, expectedStatus]);
    expect(rows.every((r) => r[3] === '1')).toBe(true);
    expect(header).toEqual(expect.arrayContaining(['sim_outcomes', 'note']));

    // At the simulated carrier: every contact dialed exactly once, never more than 5 at once.
    const calls = await platform.db.query<{ attempt_id: string; placed_at: Date; ended_at: Date }>(
      `SELECT attempt_id, placed_at, ended_at FROM dialer.sim_calls`,
    );
    expect(calls.rows).toHaveLength(200);
    expect(new Set(calls.rows.map((c) => c.attempt_id)).size).toBe(200);
    expect(calls.rows.every((c) => c.ended_at !== null)).toBe(true);
    const peak = maxOverlap(calls.rows.map((c) => ({ start: c.placed_at, end: c.ended_at })));
    expect(peak).toBeLessThanOrEqual(5);
    expect(peak).toBeGreaterThanOrEqual(2); // the limit was actually exercised
  });

  it('answers errors in the API shape', async () => {
    const unauthorized = await fetch(`${platform.gatewayUrl}/api/batch-calls/x`);
    expect(unauthorized.status).toBe(401);
    expect((await unauthorized.json()).error.code).toBe('unauthorized');
    const missing = await api(platform, '/api/batch-calls/batch_does_not_exist');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('not_found');
    const noAgent = await uploadCsv(platform, 'phone\n+14155550100\n', { agent_id: 'nope' });
    expect(noAgent.status).toBe(404);
    const badConcurrency = await uploadCsv(platform, 'phone\n+14155550100\n', {
      agent_id: 'agent-demo',
      concurrency: '51',
    });
    expect(badConcurrency.status).toBe(400);
    expect(JSON.stringify(badConcurrency.body.error.details)).toMatch(/concurrency/);
    const noPhone = await uploadCsv(platform, 'name,email\nAda,a@example.com\n', { agent_id: 'agent-demo' });
    expect(noPhone.status).toBe(400);
    expect(noPhone.body.error).toMatchObject({
      code: 'missing_phone_column',
      details: { headers_found: ['name', 'email'] },
    });
  });
});
