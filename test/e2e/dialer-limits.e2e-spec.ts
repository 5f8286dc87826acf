import { api, maxOverlap, RunningPlatform, startPlatform, uploadCsv, waitForBatch } from '../support/platform';
import { setOrgLimits } from './dialer-e2e-helpers';

/**
 * SPEC §6 with three dialer replicas: org limit 5 and two running batches of concurrency 5 each:
 * never more than 5 calls at once in total, and call starts never faster than calls_per_second.
 * Measured at the simulated carrier (its own table of placed/ended times).
 */
const CALLS_PER_SECOND = 4;
const BUCKET = Math.max(1, CALLS_PER_SECOND);

function csv(offset: number, count: number): string {
  const lines = ['phone,name,sim_outcomes,sim_duration_seconds'];
  for (let i = 0; i < count; i++)
    lines.push(`+1415555${String(2000 + offset + i).padStart(4, '0')},Contact ${offset + i},completed,1`);
  return lines.join('\n') + '\n';
}

describe('dialer limits across 3 replicas', () => {
  let platform: RunningPlatform;

  beforeAll(async () => {
    // SIM_TIME_SCALE 0.5: a 3 s ring + 1 s talk lasts 2 s, so at 4 calls/s the org would want ~8 calls at once.
    platform = await startPlatform('dlimits', {
      dialerReplicas: 3,
      env: { SIM_TIME_SCALE: '0.5', DIALER_ADMISSION_RETRY_MS: '100' },
    });
  }, 180_000);

  afterAll(async () => {
    await platform?.stop();
  });

  it('holds the org limit (5) over two batches of concurrency 5 and the call-start rate, at the carrier', async () => {
    await setOrgLimits(platform, { max_concurrent_calls: 5, calls_per_second: CALLS_PER_SECOND });
    const [a, b] = await Promise.all([
      uploadCsv(platform, csv(0, 20), {
        agent_id: 'agent-demo',
        concurrency: '5',
        max_attempts: '1',
        name: 'limits A',
      }),
      uploadCsv(platform, csv(20, 20), {
        agent_id: 'agent-demo',
        concurrency: '5',
        max_attempts: '1',
        name: 'limits B',
      }),
    ]);
    expect([a.status, b.status]).toEqual([201, 201]);
    const [doneA, doneB] = await Promise.all([
      waitForBatch(platform, a.body.batch_id, 'completed', 120_000),
      waitForBatch(platform, b.body.batch_id, 'completed', 120_000),
    ]);
    expect(doneA).toMatchObject({ total_calls: 20, completed: 20 });
    expect(doneB).toMatchObject({ total_calls: 20, completed: 20 });

    const calls = (
      await platform.db.query<{
        attempt_id: string;
        placed_at: Date;
        ended_at: Date;
        admitted_at: Date;
        admitted_by: string;
        batch_id: string;
      }>(
        `SELECT s.attempt_id, s.placed_at, s.ended_at, a.admitted_at, a.admitted_by, a.batch_id FROM dialer.sim_calls s JOIN dialer.attempts a USING (attempt_id)`,
      )
    ).rows;
    expect(calls).toHaveLength(40);
    expect(new Set(calls.map((c) => c.attempt_id)).size).toBe(40);
    // The three replicas all admitted calls: the limits were held by the shared PostgreSQL state, not by one process.
    expect(new Set(calls.map((c) => c.admitted_by)).size).toBe(3);

    const peak = maxOverlap(calls.map((c) => ({ start: c.placed_at, end: c.ended_at })));
    expect(peak).toBeLessThanOrEqual(5);
    expect(peak).toBe(5); // the org limit was reached, so it was what held the calls back
    for (const batchId of [a.body.batch_id, b.body.batch_id]) {
      expect(
        maxOverlap(calls.filter((c) => c.batch_id === batchId).map((c) => ({ start: c.placed_at, end: c.ended_at }))),
      ).toBeLessThanOrEqual(5);
    }

    // The rate: over any run of starts, count <= bucket + rate * span. Exact on the bucket's own
    // timeline (admitted_at); at the carrier (placed_at) allowing the admit -> place step (< 250 ms).
    const check = (times: number[], slackSeconds: number) => {
      const sorted = [...times].sort((x, y) => x - y);
      let worst = -Infinity;
      for (let i = 0; i < sorted.length; i++) {
        for (let j = i; j < sorted.length; j++) {
          worst = Math.max(
            worst,
            j - i + 1 - (BUCKET + CALLS_PER_SECOND * ((sorted[j] - sorted[i]) / 1000 + slackSeconds)),
          );
        }
      }
      return worst;
    };
    expect(
      check(
        calls.map((c) => c.admitted_at.getTime()),
        0,
      ),
    ).toBeLessThanOrEqual(1e-6);
    expect(
      check(
        calls.map((c) => c.placed_at.getTime()),
        0.25,
      ),
    ).toBeLessThanOrEqual(1e-6);

    const metrics = await Promise.all(
      platform.processes
        .filter((p) => p.service === 'dialer')
        .map(async (p) => (await fetch(`${p.url}/metrics`)).text()),
    );
    expect(metrics.join('\n')).toMatch(
      /outdial_dial_admissions_total\{[^}]*result="refused"[^}]*limit="(org|rate)"[^}]*\} [1-9]/,
    );
    const batchStatus = await api(platform, `/api/batch-calls/${a.body.batch_id}`);
    expect(batchStatus.body.in_progress).toBe(0);
  });
});
