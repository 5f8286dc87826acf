import { until } from '../support/clock-zones';
import { api, RunningPlatform, startPlatform, uploadCsv } from '../support/platform';
import { ServiceClock, serviceClockFrom } from '../support/service-clock';

/**
 * Issue 12 §1 through the real launcher and processes, with the exact inputs of the issue: a cached
 * calling-window answer computed for a future instant (a retry being planned) must never be used
 * for the present. The services run on a shifted clock (CLOCK_OFFSET_MS) so the local times of the
 * issue happen whatever the hour the test runs at.
 */

interface SchedulerContact {
  phone: string;
  status: string;
  attempts: number;
  next_retry_at: Date | null;
}

async function contactsOf(platform: RunningPlatform, batchId: string): Promise<Map<string, SchedulerContact>> {
  const result = await platform.db.query(
    `SELECT phone, status, attempts, next_retry_at FROM scheduler.contacts WHERE batch_id = $1`,
    [batchId],
  );
  return new Map(result.rows.map((r) => [r.phone, r]));
}

async function carrierCalls(
  platform: RunningPlatform,
  phones: string[],
): Promise<{ to_phone: string; placed_at: Date; ended_at: Date | null }[]> {
  const result = await platform.db.query(
    `SELECT to_phone, placed_at, ended_at FROM dialer.sim_calls WHERE to_phone = ANY($1) ORDER BY placed_at`,
    [phones],
  );
  return result.rows;
}

async function create(platform: RunningPlatform, csv: string, fields: Record<string, string>): Promise<string> {
  const created = await uploadCsv(platform, csv, {
    agent_id: 'agent-demo',
    bypass_call_guardrails: 'false',
    ...fields,
  });
  expect(created.status).toBe(201);
  return created.body.batch_id;
}

describe('calling-window cache: America/St_Johns 08:00-16:00, a busy retry planned a day ahead, then a new batch at 16:00:20 local', () => {
  // Monday 23 Nov 2026, Newfoundland standard time (UTC-3:30): 16:00 local = 19:30Z. The new
  // batch came at 16:03; 20 s after the close is the stricter case (any answer cached while the
  // window was open is younger then) and saves CI ~3 minutes of real waiting.
  let clock: ServiceClock; // starts at 15:58:45 local when the platform starts
  const window = JSON.stringify({ start_hour: 8, end_hour: 16, timezone: 'America/St_Johns' });
  let platform: RunningPlatform;

  beforeAll(async () => {
    clock = serviceClockFrom('2026-11-23T19:28:45Z');
    platform = await startPlatform('win-stj', { env: { ...clock.env, SCHEDULER_TICK_MS: '100' } });
  }, 120_000);

  afterAll(async () => {
    await platform?.stop();
  });

  it('does not dial the new batch after the window closed (it stays pending); a batch with start_hour 9 stays pending too', async () => {
    // While open: one contact busy, max_attempts 2, retry_policy.delays_seconds [86400].
    expect(clock.now().getTime()).toBeLessThan(Date.parse('2026-11-23T19:29:30Z')); // platform up before 15:59:30 local
    const first = await create(platform, 'phone,sim_outcomes,sim_duration_seconds\n+17095550101,busy,0', {
      max_attempts: '2',
      retry_policy: JSON.stringify({ retry_on: ['busy'], delays_seconds: [86400] }),
      call_timing: window,
    });
    const retry = await until(
      'the busy contact to be queued for its retry',
      async () => {
        const c = (await contactsOf(platform, first)).get('+17095550101');
        return c && c.status === 'queued' && c.attempts === 1 ? c : undefined;
      },
      30_000,
    );
    expect(clock.now().getTime()).toBeLessThan(Date.parse('2026-11-23T19:30:00Z')); // all of it while the window was open
    // The retry lands a day later, still inside tomorrow's window (so the planner asked about an open instant).
    expect(retry.next_retry_at!.getTime()).toBeGreaterThan(Date.parse('2026-11-24T19:27:00Z'));
    expect(retry.next_retry_at!.getTime()).toBeLessThan(Date.parse('2026-11-24T19:30:00Z'));

    // After the window closed: 16:00:20 local.
    await clock.until('2026-11-23T19:30:20Z');
    const sameKey = await create(platform, 'phone,sim_outcomes,sim_duration_seconds\n+17095550102,completed,1', {
      call_timing: window,
    });
    const otherKey = await create(platform, 'phone,sim_outcomes,sim_duration_seconds\n+17095550103,completed,1', {
      call_timing: JSON.stringify({ start_hour: 9, end_hour: 16, timezone: 'America/St_Johns' }),
    });

    // The scheduler receives the contacts from ingest a moment after the API answered.
    for (const [batchId, phone] of [
      [sameKey, '+17095550102'],
      [otherKey, '+17095550103'],
    ])
      await until(
        `${phone} to reach the scheduler`,
        async () => (await contactsOf(platform, batchId)).get(phone),
        30_000,
      );
    // Watched for 8 s of many release passes (tick 100 ms): never released, never dialed.
    const watchUntil = Date.now() + 8000;
    while (Date.now() < watchUntil) {
      for (const [batchId, phone] of [
        [sameKey, '+17095550102'],
        [otherKey, '+17095550103'],
      ]) {
        const c = (await contactsOf(platform, batchId)).get(phone);
        expect(c).toMatchObject({ status: 'pending', attempts: 0 });
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(await carrierCalls(platform, ['+17095550102', '+17095550103'])).toEqual([]);
    const attempts = await platform.db.query(`SELECT attempt_id FROM dialer.attempts WHERE batch_id = ANY($1)`, [
      [sameKey, otherKey],
    ]);
    expect(attempts.rows).toEqual([]);
    const status = await api(platform, `/api/batch-calls/${sameKey}`);
    expect(status.body).toMatchObject({ status: 'running', pending: 1, in_progress: 0 });
    // The first contact was dialed exactly once (its retry is tomorrow).
    expect(await carrierCalls(platform, ['+17095550101'])).toHaveLength(1);
  }, 600_000);
});

describe('calling-window cache: America/Los_Angeles 08:00-13:00 at 11:01 local, concurrency 1, row 1 busy with a 7200 s retry', () => {
  // Monday 23 Nov 2026, Pacific standard time (UTC-8): 11:01 local = 19:01Z.
  let clock: ServiceClock; // starts at 11:00:40 local when the platform starts
  let platform: RunningPlatform;

  beforeAll(async () => {
    clock = serviceClockFrom('2026-11-23T19:00:40Z');
    platform = await startPlatform('win-la', { env: { ...clock.env, SCHEDULER_TICK_MS: '100' } });
  }, 120_000);

  afterAll(async () => {
    await platform?.stop();
  });

  it('dials row 2 at once after row 1 (the retry planned into the closed hours does not make the open window look closed)', async () => {
    await clock.until('2026-11-23T19:01:00Z');
    expect(clock.now().getTime()).toBeLessThan(Date.parse('2026-11-23T19:05:00Z'));
    const csv = ['phone,sim_outcomes,sim_duration_seconds', '+14155550181,busy,0', '+14155550182,completed,1'].join(
      '\n',
    );
    const batchId = await create(platform, csv, {
      concurrency: '1',
      max_attempts: '2',
      retry_policy: JSON.stringify({ retry_on: ['busy'], delays_seconds: [7200] }),
      call_timing: JSON.stringify({ start_hour: 8, end_hour: 13, timezone: 'America/Los_Angeles' }),
    });

    const calls = await until(
      'row 2 to be dialed',
      async () => {
        const placed = await carrierCalls(platform, ['+14155550181', '+14155550182']);
        return placed.length === 2 && placed[0].ended_at ? placed : undefined;
      },
      20_000,
    );
    expect(calls.map((c) => c.to_phone)).toEqual(['+14155550181', '+14155550182']);
    // "At once": within a couple of release passes of row 1's end, not 33 minutes.
    expect(calls[1].placed_at.getTime() - calls[0].ended_at!.getTime()).toBeLessThan(3000);

    // Row 1's retry: 13:01 local is closed, so it waits for tomorrow 08:00 local (16:00Z).
    const contacts = await contactsOf(platform, batchId);
    expect(contacts.get('+14155550181')).toMatchObject({
      status: 'queued',
      attempts: 1,
      next_retry_at: new Date('2026-11-24T16:00:00Z'),
    });
    await until(
      'row 2 to complete',
      async () => (await contactsOf(platform, batchId)).get('+14155550182')?.status === 'completed',
      20_000,
    );
  });
});
