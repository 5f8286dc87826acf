import { until } from '../support/clock-zones';
import { api, RunningPlatform, startPlatform, uploadCsv, waitForBatch } from '../support/platform';

const phone = (n: number) => `+1415555${String(5000 + n).padStart(4, '0')}`;

describe('scheduler recovery', () => {
  let platform: RunningPlatform;

  beforeAll(async () => {
    platform = await startPlatform('schedrec', {
      env: { SCHEDULER_TICK_MS: '100', SCHEDULER_RELEASE_GRACE_SECONDS: '0' },
    });
    await api(platform, '/api/org', {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ max_concurrent_calls: 10, calls_per_second: 100 }),
    });
  }, 120_000);

  afterAll(async () => {
    await platform?.stop();
  });

  it('kill -9 of the scheduler mid-batch: after a restart the batch completes, nothing lost, no attempt dialed twice', async () => {
    const phones = Array.from({ length: 60 }, (_, i) => phone(i));
    const csv = [
      'phone,sim_outcomes,sim_duration_seconds',
      ...phones.map((p, i) => `${p},"${i % 3 === 0 ? 'busy,completed' : 'completed'}",10`),
    ].join('\n');
    const created = await uploadCsv(platform, csv, {
      agent_id: 'agent-demo',
      concurrency: '5',
      max_attempts: '2',
      retry_policy: JSON.stringify({ delays_seconds: [0] }),
    });
    expect(created.status).toBe(201);
    const batchId = created.body.batch_id;
    await until('a third of the calls', async () => {
      const { rows } = await platform.db.query(
        `SELECT count(*)::int AS n FROM dialer.sim_calls WHERE to_phone = ANY($1)`,
        [phones],
      );
      return rows[0].n >= 20;
    });
    const scheduler = platform.processes.find((p) => p.service === 'scheduler')!;
    await platform.stopOne(scheduler, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 1000));
    await platform.startReplica('scheduler', undefined as unknown as number);

    await waitForBatch(platform, batchId, 'completed', 90_000);
    const { rows: calls } = await platform.db.query(
      `SELECT attempt_id, count(*)::int AS n FROM dialer.sim_calls WHERE to_phone = ANY($1) GROUP BY attempt_id`,
      [phones],
    );
    expect(calls.filter((c) => c.n > 1)).toEqual([]);
    // 60 first attempts + one retry for every third contact.
    expect(calls).toHaveLength(60 + 20);
    const { rows: contacts } = await platform.db.query(
      `SELECT status, count(*)::int AS n FROM scheduler.contacts WHERE batch_id = $1 GROUP BY status`,
      [batchId],
    );
    expect(contacts).toEqual([{ status: 'completed', n: 60 }]);
  }, 150_000);

  it('a release whose attempt never reports back ends `timeout` after timeout_per_call_seconds (the contact fails with last_outcome timeout)', async () => {
    // With no dialer running, nothing answers the release.
    for (const dialer of platform.processes.filter((p) => p.service === 'dialer'))
      await platform.stopOne(dialer, 'SIGKILL');
    // The release can come before the 201 (the create answers once the read model has the
    // contacts, by when the scheduler may have released them): measure from before the create.
    const releasedAt = Date.now();
    const created = await uploadCsv(platform, `phone,sim_outcomes\n${phone(100)},completed\n`, {
      agent_id: 'agent-demo',
      max_attempts: '1',
      timeout_per_call_seconds: '10',
    });
    expect(created.status).toBe(201);
    const batchId = created.body.batch_id;
    const status = await waitForBatch(platform, batchId, 'completed', 30_000);
    expect(Date.now() - releasedAt).toBeGreaterThanOrEqual(10_000);
    expect(status.failed).toBe(1);
    const { rows } = await platform.db.query(
      `SELECT status, attempts, last_outcome FROM scheduler.contacts WHERE batch_id = $1`,
      [batchId],
    );
    expect(rows).toEqual([{ status: 'failed', attempts: 1, last_outcome: 'timeout' }]);
  }, 60_000);
});
