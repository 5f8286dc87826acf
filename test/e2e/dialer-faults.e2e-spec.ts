import { api, RunningPlatform, startPlatform, uploadCsv, waitForBatch } from '../support/platform';
import { setOrgLimits } from './dialer-e2e-helpers';

const TIMEOUT_PER_CALL_SECONDS = 10;
const LEASE_GRACE_SECONDS = 2;

function csv(count: number): string {
  const lines = ['phone,name,sim_outcomes,sim_duration_seconds'];
  for (let i = 0; i < count; i++) lines.push(`+1415556${String(i).padStart(4, '0')},Contact ${i},completed,3`);
  return lines.join('\n') + '\n';
}

/** The batch's status once the read model caught up with the scheduler (every contact counted final). */
async function settledStatus(platform: RunningPlatform, batchId: string): Promise<any> {
  const deadline = Date.now() + 30_000;
  let last: any;
  while (Date.now() < deadline) {
    last = (await api(platform, `/api/batch-calls/${batchId}`)).body;
    if (last.pending === 0 && last.in_progress === 0) return last;
    await sleep(250);
  }
  return last;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('dialer faults with 3 replicas', () => {
  let platform: RunningPlatform;

  beforeAll(async () => {
    platform = await startPlatform('dfaults', {
      dialerReplicas: 3,
      env: {
        SIM_TIME_SCALE: '0.1',
        DIALER_LEASE_GRACE_SECONDS: String(LEASE_GRACE_SECONDS),
        DIALER_REAPER_INTERVAL_MS: '200',
        DIALER_ADMISSION_RETRY_MS: '100',
      },
    });
  }, 180_000);

  afterAll(async () => {
    await platform?.stop();
  });

  it('kill -9 of one replica mid-batch: the batch completes, every contact final, nothing dialed twice, its slots back within the lease', async () => {
    await setOrgLimits(platform, { max_concurrent_calls: 20, calls_per_second: 100 });
    const created = await uploadCsv(platform, csv(300), {
      agent_id: 'agent-demo',
      concurrency: '20',
      max_attempts: '1',
      timeout_per_call_seconds: String(TIMEOUT_PER_CALL_SECONDS),
      name: 'kill -9',
    });
    expect(created.status).toBe(201);
    const batchId = created.body.batch_id;

    // Mid-batch: once replica 1 has calls in flight and about a fifth of the batch was dialed.
    const victim = platform.processes.find((p) => p.name === 'dialer-1')!;
    const deadline = Date.now() + 60_000;
    for (;;) {
      const { rows } = await platform.db.query<{ placed: number; victim_open: number }>(
        `SELECT (SELECT count(*) FROM dialer.sim_calls)::int AS placed,
                (SELECT count(*) FROM dialer.attempts WHERE admitted_by = '1' AND status <> 'ended')::int AS victim_open`,
      );
      if (rows[0].placed >= 60 && rows[0].victim_open > 0) break;
      if (Date.now() > deadline) throw new Error(`batch never got going: ${JSON.stringify(rows[0])}`);
      await sleep(20);
    }
    victim.child.kill('SIGKILL');
    const killedAt = Date.now();
    await new Promise((resolve) => victim.child.once('exit', resolve));
    const openAtKill = (
      await platform.db.query<{ attempt_id: string }>(
        `SELECT attempt_id FROM dialer.attempts WHERE admitted_by = '1' AND status <> 'ended'`,
      )
    ).rows.map((r) => r.attempt_id);
    expect(openAtKill.length).toBeGreaterThan(0);

    await waitForBatch(platform, batchId, 'completed', 120_000);
    const schedulerCounts = (
      await platform.db.query(
        `SELECT status, count(*)::int AS n FROM scheduler.contacts GROUP BY status ORDER BY status`,
      )
    ).rows;

    console.log(`scheduler contacts at completion: ${JSON.stringify(schedulerCounts)}`);
    const status = await settledStatus(platform, batchId);
    expect(status).toMatchObject({ total_calls: 300, pending: 0, in_progress: 0, progress_percent: 100 });

    // Nothing dialed twice: one carrier call per attempt and per phone at most.
    const doubles = await platform.db.query(
      `SELECT attempt_id FROM dialer.sim_calls GROUP BY attempt_id HAVING count(*) > 1`,
    );
    expect(doubles.rows).toEqual([]);
    const phones = await platform.db.query(
      `SELECT to_phone FROM dialer.sim_calls GROUP BY to_phone HAVING count(*) > 1`,
    );
    expect(phones.rows).toEqual([]);
    const attempts = await platform.db.query<{ contact_id: string; attempt: number }>(
      `SELECT contact_id, attempt FROM dialer.attempts`,
    );
    expect(attempts.rows).toHaveLength(300);
    expect(new Set(attempts.rows.map((r) => r.contact_id)).size).toBe(300);

    // The dead replica's slots came back within the lease (call timeout + grace), plus the reaper's tick.
    const { rows: victimRows } = await platform.db.query<{
      attempt_id: string;
      status: string;
      outcome: string;
      ended_at: Date;
    }>(`SELECT attempt_id, status, outcome, ended_at FROM dialer.attempts WHERE attempt_id = ANY($1::text[])`, [
      openAtKill,
    ]);
    expect(victimRows.every((r) => r.status === 'ended')).toBe(true);
    const lastBackMs = Math.max(...victimRows.map((r) => r.ended_at.getTime())) - killedAt;
    expect(lastBackMs).toBeLessThanOrEqual((TIMEOUT_PER_CALL_SECONDS + LEASE_GRACE_SECONDS) * 1000 + 1500);
    expect((await platform.db.query(`SELECT 1 FROM dialer.attempts WHERE status <> 'ended'`)).rows).toHaveLength(0);
    const notCompleted = (
      await platform.db.query(
        `SELECT attempt_id, outcome, failure_reason, admitted_by FROM dialer.attempts WHERE outcome <> 'completed'`,
      )
    ).rows;
    const outcomes: Record<string, number> = {};
    for (const r of victimRows) outcomes[r.outcome] = (outcomes[r.outcome] ?? 0) + 1;

    console.log(
      `kill -9: ${openAtKill.length} attempts of the killed replica were open; outcomes ${JSON.stringify(outcomes)}; last slot back ${lastBackMs} ms after the kill; batch ${JSON.stringify({ completed: status.completed, failed: status.failed })}; not completed: ${JSON.stringify(notCompleted)}`,
    );
  });
});
