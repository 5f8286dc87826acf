import { until, zoneWithLocalHour } from '../support/clock-zones';
import { api, parseCsv, RunningPlatform, startPlatform, uploadCsv, waitForBatch } from '../support/platform';

/** Results CSV rows keyed by phone. */
async function resultsByPhone(
  platform: RunningPlatform,
  batchId: string,
): Promise<Map<string, Record<string, string>>> {
  const response = await api(platform, `/api/batch-calls/${batchId}/results`);
  expect(response.status).toBe(200);
  const [header, ...rows] = parseCsv(response.text);
  return new Map(rows.map((r) => [r[0], Object.fromEntries(header.map((h, i) => [h, r[i]]))]));
}

/** What the simulated carrier saw for one batch's contacts: one row per placed call. */
async function carrierCalls(
  platform: RunningPlatform,
  phones: string[],
): Promise<{ to_phone: string; attempt_id: string; placed_at: Date; ended_at: Date | null }[]> {
  const result = await platform.db.query(
    `SELECT to_phone, attempt_id, placed_at, ended_at FROM dialer.sim_calls WHERE to_phone = ANY($1) ORDER BY placed_at`,
    [phones],
  );
  return result.rows;
}

async function schedulerContacts(
  platform: RunningPlatform,
  batchId: string,
): Promise<Map<string, { status: string; attempts: number; last_outcome: string | null }>> {
  const result = await platform.db.query(
    `SELECT phone, status, attempts, last_outcome FROM scheduler.contacts WHERE batch_id = $1`,
    [batchId],
  );
  return new Map(result.rows.map((r) => [r.phone, r]));
}

const phone = (n: number) => `+1415555${String(2000 + n).padStart(4, '0')}`;

describe('scheduler: lifecycle, retries, schedules and calling hours through the HTTP API', () => {
  let platform: RunningPlatform;

  beforeAll(async () => {
    platform = await startPlatform('sched', { env: { SCHEDULER_TICK_MS: '100' } });
    // Room for the tests' batches: the org defaults (5 calls, 1 call/s) would only slow them down.
    await api(platform, '/api/org', {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ max_concurrent_calls: 20, calls_per_second: 50 }),
    });
  }, 120_000);

  afterAll(async () => {
    await platform?.stop();
  });

  it('retries on the policy: busy,no_answer,completed ends completed after 3 attempts spaced by the delays; busy x3 ends failed; invalid_number is not retried', async () => {
    const csv = [
      'phone,sim_outcomes,sim_duration_seconds',
      `${phone(1)},"busy,no_answer,completed",1`,
      `${phone(2)},"busy,busy,busy",1`,
      `${phone(3)},invalid_number,0`,
    ].join('\n');
    const created = await uploadCsv(platform, csv, {
      agent_id: 'agent-demo',
      max_attempts: '3',
      retry_policy: JSON.stringify({ retry_on: ['busy', 'no_answer'], delays_seconds: [1, 2] }),
    });
    expect(created.status).toBe(201);
    const batchId = created.body.batch_id;
    await waitForBatch(platform, batchId, 'completed', 60_000);

    const results = await resultsByPhone(platform, batchId);
    expect(results.get(phone(1))).toMatchObject({ status: 'completed', attempts: '3' });
    expect(results.get(phone(2))).toMatchObject({ status: 'failed', attempts: '3' });
    expect(results.get(phone(3))).toMatchObject({ status: 'invalid_number', attempts: '1' });
    const contacts = await schedulerContacts(platform, batchId);
    expect(contacts.get(phone(2))).toMatchObject({ status: 'failed', attempts: 3, last_outcome: 'busy' });

    const calls = await carrierCalls(platform, [phone(1), phone(2), phone(3)]);
    const of = (p: string) => calls.filter((c) => c.to_phone === p);
    expect(of(phone(3))).toHaveLength(1);
    expect(of(phone(2))).toHaveLength(3);
    const first = of(phone(1));
    expect(first.map((c) => c.attempt_id.split(':').pop())).toEqual(['1', '2', '3']);
    // Each retry starts no earlier than its delay after the previous attempt ended.
    expect(first[1].placed_at.getTime() - first[0].ended_at!.getTime()).toBeGreaterThanOrEqual(1000);
    expect(first[2].placed_at.getTime() - first[1].ended_at!.getTime()).toBeGreaterThanOrEqual(2000);
    // ... and not much later (a tick or two), so delays are not inflated either.
    expect(first[1].placed_at.getTime() - first[0].ended_at!.getTime()).toBeLessThan(3000);
  }, 90_000);

  it('a batch scheduled 5 s ahead is scheduled, then runs at its time', async () => {
    const start = new Date(Date.now() + 5000);
    const created = await uploadCsv(platform, `phone,sim_outcomes\n${phone(10)},completed\n`, {
      agent_id: 'agent-demo',
      scheduled_start_time: start.toISOString(),
    });
    expect(created.status).toBe(201);
    expect(created.body.status).toBe('scheduled');
    const batchId = created.body.batch_id;
    expect((await api(platform, `/api/batch-calls/${batchId}`)).body.status).toBe('scheduled');
    await waitForBatch(platform, batchId, 'completed', 30_000);
    const calls = await carrierCalls(platform, [phone(10)]);
    expect(calls).toHaveLength(1);
    expect(calls[0].placed_at.getTime()).toBeGreaterThanOrEqual(start.getTime());
  }, 60_000);

  it('pause stops new calls while calls in progress finish; resume continues; cancel ends the rest cancelled', async () => {
    const phones = Array.from({ length: 24 }, (_, i) => phone(100 + i));
    // 100 s of talk x SIM_TIME_SCALE 0.02 = about 2 s per call.
    const csv = ['phone,sim_outcomes,sim_duration_seconds', ...phones.map((p) => `${p},completed,100`)].join('\n');
    const created = await uploadCsv(platform, csv, { agent_id: 'agent-demo', concurrency: '3', max_attempts: '1' });
    expect(created.status).toBe(201);
    const batchId = created.body.batch_id;
    await until('the first calls', async () => (await carrierCalls(platform, phones)).length >= 3);

    const paused = await api(platform, `/api/batch-calls/${batchId}/pause`, { method: 'POST' });
    expect(paused.status).toBe(200);
    expect(paused.body).toMatchObject({ batch_id: batchId, status: 'paused', previous_status: 'running' });
    const pausedAt = Date.now();
    expect((await api(platform, `/api/batch-calls/${batchId}/pause`, { method: 'POST' })).status).toBe(409);

    // Calls in progress finish; nothing new starts (a small grace for a dial already under way).
    await until(
      'calls in progress to end',
      async () => (await carrierCalls(platform, phones)).every((c) => c.ended_at !== null),
      20_000,
    );
    await new Promise((r) => setTimeout(r, 2500));
    const duringPause = await carrierCalls(platform, phones);
    expect(duringPause.filter((c) => c.placed_at.getTime() > pausedAt + 500)).toEqual([]);
    expect((await api(platform, `/api/batch-calls/${batchId}`)).body.status).toBe('paused');
    const placedWhilePaused = duringPause.length;
    expect(placedWhilePaused).toBeLessThan(phones.length);

    const resumed = await api(platform, `/api/batch-calls/${batchId}/resume`, { method: 'POST' });
    expect(resumed.body).toMatchObject({ status: 'running', previous_status: 'paused' });
    await until('calls after resume', async () => (await carrierCalls(platform, phones)).length > placedWhilePaused);

    const cancelled = await api(platform, `/api/batch-calls/${batchId}/cancel`, { method: 'POST' });
    expect(cancelled.body).toMatchObject({ status: 'cancelled', previous_status: 'running' });
    const cancelledAt = Date.now();
    await until('every contact final', async () => {
      const contacts = await schedulerContacts(platform, batchId);
      return [...contacts.values()].every((c) => !['pending', 'queued', 'dialing', 'in_progress'].includes(c.status));
    });
    const contacts = await schedulerContacts(platform, batchId);
    const finalCalls = await carrierCalls(platform, phones);
    expect(finalCalls.filter((c) => c.placed_at.getTime() > cancelledAt + 500)).toEqual([]);
    const called = new Set(finalCalls.map((c) => c.to_phone));
    for (const p of phones) {
      // A call placed before the cancel finishes normally; everyone else ends cancelled.
      expect(contacts.get(p)!.status).toBe(called.has(p) ? 'completed' : 'cancelled');
    }
    expect([...contacts.values()].filter((c) => c.status === 'cancelled').length).toBeGreaterThan(0);
    expect((await api(platform, `/api/batch-calls/${batchId}`)).body.status).toBe('cancelled');
    expect((await api(platform, `/api/batch-calls/${batchId}/resume`, { method: 'POST' })).status).toBe(409);
  }, 120_000);

  it('calls only the contacts whose local window is open now', async () => {
    const openZone = zoneWithLocalHour(12);
    const closedZone = zoneWithLocalHour(0);
    const csv = [
      'phone,timezone,sim_outcomes',
      `${phone(200)},${openZone},completed`,
      `${phone(201)},${openZone},completed`,
      `${phone(202)},${closedZone},completed`,
      `${phone(203)},${closedZone},completed`,
    ].join('\n');
    const created = await uploadCsv(platform, csv, {
      agent_id: 'agent-demo',
      bypass_call_guardrails: 'false',
      call_timing: JSON.stringify({ start_hour: 10, end_hour: 15, timezone: 'contact' }),
    });
    expect(created.status).toBe(201);
    const batchId = created.body.batch_id;
    await until('the open-zone contacts to complete', async () => {
      const contacts = await schedulerContacts(platform, batchId);
      return contacts.get(phone(200))?.status === 'completed' && contacts.get(phone(201))?.status === 'completed';
    });
    await new Promise((r) => setTimeout(r, 1000));
    const contacts = await schedulerContacts(platform, batchId);
    expect(contacts.get(phone(202))).toMatchObject({ status: 'pending', attempts: 0 });
    expect(contacts.get(phone(203))).toMatchObject({ status: 'pending', attempts: 0 });
    expect((await carrierCalls(platform, [phone(202), phone(203)])).length).toBe(0);
    expect((await api(platform, `/api/batch-calls/${batchId}`)).body.status).toBe('running');

    await api(platform, `/api/batch-calls/${batchId}/cancel`, { method: 'POST' });
    await waitForBatch(platform, batchId, 'cancelled', 10_000);
    await until(
      'closed-zone contacts cancelled',
      async () => (await schedulerContacts(platform, batchId)).get(phone(203))?.status === 'cancelled',
    );
  }, 60_000);

  it('after end_time no new attempt starts: waiting contacts end expired and the batch completes', async () => {
    const closedZone = zoneWithLocalHour(0);
    const openZone = zoneWithLocalHour(12);
    const endTime = new Date(Date.now() + 4000);
    const csv = [
      'phone,timezone,sim_outcomes',
      `${phone(500)},${closedZone},completed`,
      `${phone(501)},${openZone},"busy,completed"`,
    ].join('\n');
    const created = await uploadCsv(platform, csv, {
      agent_id: 'agent-demo',
      bypass_call_guardrails: 'false',
      call_timing: JSON.stringify({ start_hour: 10, end_hour: 15 }),
      max_attempts: '3',
      // The retry would fall after end_time, so it never happens.
      retry_policy: JSON.stringify({ delays_seconds: [30] }),
      end_time: endTime.toISOString(),
    });
    expect(created.status).toBe(201);
    const batchId = created.body.batch_id;
    await waitForBatch(platform, batchId, 'completed', 20_000);
    expect(Date.now()).toBeGreaterThanOrEqual(endTime.getTime() - 1000);
    const contacts = await schedulerContacts(platform, batchId);
    expect(contacts.get(phone(500))).toMatchObject({ status: 'expired', attempts: 0 });
    expect(contacts.get(phone(501))).toMatchObject({ status: 'expired', attempts: 1, last_outcome: 'busy' });
    expect(await carrierCalls(platform, [phone(500)])).toHaveLength(0);
  }, 40_000);

  it('reschedule needs a future time; delete removes the batch everywhere; actions answer 404 and 409 where they must', async () => {
    const created = await uploadCsv(platform, `phone\n${phone(300)}\n`, {
      agent_id: 'agent-demo',
      scheduled_start_time: new Date(Date.now() + 3600_000).toISOString(),
    });
    const batchId = created.body.batch_id;
    const json = { 'content-type': 'application/json' };
    const past = await api(platform, `/api/batch-calls/${batchId}/reschedule`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ scheduled_start_time: '2020-01-01T00:00:00Z' }),
    });
    expect(past.status).toBe(400);
    expect(past.body.error.details[0].field).toBe('scheduled_start_time');
    const missing = await api(platform, `/api/batch-calls/${batchId}/reschedule`, {
      method: 'POST',
      headers: json,
      body: '{}',
    });
    expect(missing.status).toBe(400);
    // Wall-clock time without an offset is read in the given zone (Kolkata is UTC+05:30).
    const wall = new Date(Math.floor(Date.now() / 1000) * 1000 + 8 * 3600_000);
    const local = wall.toISOString().slice(0, 19);
    const moved = await api(platform, `/api/batch-calls/${batchId}/reschedule`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ scheduled_start_time: local, timezone: 'Asia/Kolkata' }),
    });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ status: 'scheduled', previous_status: 'scheduled' });
    expect(new Date(moved.body.scheduled_start_time).getTime()).toBe(wall.getTime() - (5 * 3600 + 1800) * 1000);

    expect((await api(platform, `/api/batch-calls/${batchId}/pause`, { method: 'POST' })).status).toBe(409);
    expect((await api(platform, `/api/batch-calls/does-not-exist/pause`, { method: 'POST' })).status).toBe(404);

    const deleted = await api(platform, `/api/batch-calls/${batchId}`, { method: 'DELETE' });
    expect(deleted.status).toBe(200);
    expect(deleted.body).toMatchObject({ batch_id: batchId, status: 'deleted' });
    expect((await api(platform, `/api/batch-calls/${batchId}`, { method: 'DELETE' })).status).toBe(404);
    expect(
      (await platform.db.query(`SELECT count(*)::int AS n FROM scheduler.contacts WHERE batch_id = $1`, [batchId]))
        .rows[0].n,
    ).toBe(0);
    await until(
      'reporting to forget the batch',
      async () => (await api(platform, `/api/batch-calls/${batchId}`)).status === 404,
      10_000,
    );
  }, 60_000);

  it('a running batch cannot be deleted (409) and a completed one can', async () => {
    const created = await uploadCsv(
      platform,
      `phone,sim_outcomes,sim_duration_seconds\n${phone(400)},completed,300\n`,
      { agent_id: 'agent-demo' },
    );
    const batchId = created.body.batch_id;
    const refused = await api(platform, `/api/batch-calls/${batchId}`, { method: 'DELETE' });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('invalid_transition');
    await waitForBatch(platform, batchId, 'completed', 30_000);
    expect((await api(platform, `/api/batch-calls/${batchId}`, { method: 'DELETE' })).status).toBe(200);
  }, 60_000);
});
