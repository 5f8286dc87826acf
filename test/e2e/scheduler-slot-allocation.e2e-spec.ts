import { until } from '../support/clock-zones';
import { api, RunningPlatform, startPlatform, uploadCsv } from '../support/platform';
import { ServiceClock, serviceClockFrom } from '../support/service-clock';

/**
 * Issue 12 §2 through the real launcher and processes, with the exact inputs of the issue: a free
 * org slot must go to a batch that can use it now, not stay with a higher-priority batch whose
 * contacts are all outside their calling window.
 */

/** The batch's one contact as the scheduler has it (undefined until its contacts arrived). */
async function contactOf(
  platform: RunningPlatform,
  batchId: string,
): Promise<{ status: string; attempts: number } | undefined> {
  const result = await platform.db.query(`SELECT status, attempts FROM scheduler.contacts WHERE batch_id = $1`, [
    batchId,
  ]);
  expect(result.rows.length).toBeLessThanOrEqual(1);
  return result.rows[0];
}

async function setOrgLimit(platform: RunningPlatform, maxConcurrentCalls: number): Promise<void> {
  const patched = await api(platform, '/api/org', {
    method: 'PATCH',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ max_concurrent_calls: maxConcurrentCalls }),
  });
  expect(patched.status).toBe(200);
  // Org changes reach the scheduler through an event: wait until it has the new limit.
  await until('the scheduler to see the org limit', async () => {
    const rows = await platform.db.query(`SELECT max_concurrent_calls FROM scheduler.orgs`);
    return rows.rows.length > 0 && rows.rows.every((r) => r.max_concurrent_calls === maxConcurrentCalls);
  });
}

describe("slot allocation: a batch that cannot call now does not starve the org's other batches", () => {
  // Tuesday 24 Nov 2026, 02:00 in Tokyo (UTC+9): night, outside the default 09:00-20:00 window.
  let clock: ServiceClock; // starts at 02:00 Tokyo when the platform starts
  let platform: RunningPlatform;

  beforeAll(async () => {
    clock = serviceClockFrom('2026-11-23T17:00:00Z');
    platform = await startPlatform('slots', { env: { ...clock.env, SCHEDULER_TICK_MS: '100' } });
  }, 120_000);

  afterAll(async () => {
    await platform?.stop();
  });

  const tokyoBatch = async (phone: string, priority: string) => {
    const created = await uploadCsv(platform, `phone,sim_outcomes\n${phone},completed`, {
      agent_id: 'agent-demo',
      priority,
      bypass_call_guardrails: 'false',
    });
    expect(created.status).toBe(201);
    return created.body.batch_id as string;
  };
  const bypassBatch = async (phone: string) => {
    const created = await uploadCsv(platform, `phone,sim_outcomes,sim_duration_seconds\n${phone},completed,1`, {
      agent_id: 'agent-demo',
      bypass_call_guardrails: 'true',
    });
    expect(created.status).toBe(201);
    return created.body.batch_id as string;
  };

  it('org max_concurrent_calls 1: P (priority 10, only contact in Asia/Tokyo at night) and Q (bypass_call_guardrails, one contact): Q is dialed, P stays pending', async () => {
    await setOrgLimit(platform, 1);
    const p = await tokyoBatch('+81312345678', '10');
    // P is running and has nothing callable before Q exists.
    await until('P to run', async () => (await api(platform, `/api/batch-calls/${p}`)).body?.status === 'running');
    const q = await bypassBatch('+14155550191');

    await until(
      'Q to be dialed and complete',
      async () => (await contactOf(platform, q))?.status === 'completed',
      15_000,
    );
    expect(await contactOf(platform, p)).toEqual({ status: 'pending', attempts: 0 });
    expect((await api(platform, `/api/batch-calls/${p}`)).body.status).toBe('running');
    const tokyoCalls = await platform.db.query(`SELECT 1 FROM dialer.sim_calls WHERE to_phone = '+81312345678'`);
    expect(tokyoCalls.rows).toHaveLength(0);
  });

  it('the default org limit of 5: five idle batches with nothing callable do not keep the slots from a sixth', async () => {
    await setOrgLimit(platform, 5);
    const idle: string[] = [];
    for (let i = 0; i < 5; i++) idle.push(await tokyoBatch(`+8131234567${i}`, String(10 - i)));
    const q = await bypassBatch('+14155550192');
    await until(
      'the sixth batch to be dialed and complete',
      async () => (await contactOf(platform, q))?.status === 'completed',
      15_000,
    );
    for (const id of idle) expect(await contactOf(platform, id)).toEqual({ status: 'pending', attempts: 0 });
  });
});
