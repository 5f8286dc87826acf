import { maxOverlap, RunningPlatform, startPlatform, uploadCsv, waitForBatch } from '../support/platform';
import { setOrgLimits } from './dialer-e2e-helpers';

/**
 * Issue 16, the limits at the new rate: 3 dialer replicas, org `max_concurrent_calls` 200, 2,000
 * contacts over 5 batches of concurrency 50 (250 wanted at once, so the org limit is what holds
 * them), a near-instant simulated carrier (SIM_TIME_SCALE 0.01: a 30 ms ring, then 12 s of talk: 200 calls at
 * once need ~17 starts/s, a fifth of what the pipeline sustains on a loaded machine). At the
 * carrier (its own table of placed/ended times): the peak of concurrent calls is exactly 200 and
 * never more, every (contact, attempt) was dialed once, and the starts stay within the org's token
 * bucket (burst + rate x T) on the bucket's own timeline (admitted_at), and at the carrier allowing
 * the admit -> place step.
 */
const MAX_CONCURRENT = 200;
const CALLS_PER_SECOND = 100;
const BUCKET = Math.max(1, CALLS_PER_SECOND);
const BATCHES = 5;
const PER_BATCH = 400;

function csv(batch: number): string {
  const lines = ['phone,name,sim_outcomes,sim_duration_seconds'];
  for (let i = 0; i < PER_BATCH; i++) {
    const n = batch * PER_BATCH + i;
    lines.push(`+1415${String(5000000 + n).padStart(7, '0')},Contact ${n},completed,1200`);
  }
  return lines.join('\n') + '\n';
}

/** The largest excess of starts over `bucket + rate * (span + slack)` over every run of sorted starts (<= 0: within the bound). */
function worstExcess(times: number[], slackSeconds: number): number {
  const sorted = [...times].sort((x, y) => x - y);
  let worst = -Infinity;
  // Every window from one start to a later one: exact (2,000 starts are 2 million pairs).
  for (let i = 0; i < sorted.length; i++) {
    for (let j = i; j < sorted.length; j++) {
      const excess = j - i + 1 - (BUCKET + CALLS_PER_SECOND * ((sorted[j] - sorted[i]) / 1000 + slackSeconds));
      if (excess > worst) worst = excess;
    }
  }
  return worst;
}

describe('limits at scale: 3 dialer replicas, org limit 200, 2,000 contacts', () => {
  let platform: RunningPlatform;

  beforeAll(async () => {
    platform = await startPlatform('limscale', {
      dialerReplicas: 3,
      env: { SIM_TIME_SCALE: '0.01' },
    });
  }, 180_000);

  afterAll(async () => {
    await platform?.stop();
  });

  it('peak concurrent calls at the carrier is exactly 200 and never more; starts within the bucket bound', async () => {
    await setOrgLimits(platform, { max_concurrent_calls: MAX_CONCURRENT, calls_per_second: CALLS_PER_SECOND });
    const uploads = await Promise.all(
      Array.from({ length: BATCHES }, (_, b) =>
        uploadCsv(platform, csv(b), {
          agent_id: 'agent-demo',
          concurrency: '50',
          max_attempts: '1',
          name: `limits at scale ${b}`,
        }),
      ),
    );
    expect(uploads.map((u) => u.status)).toEqual(Array(BATCHES).fill(201));
    await Promise.all(uploads.map((u) => waitForBatch(platform, u.body.batch_id, 'completed', 840_000)));
    // Every attempt ended completed, as the dialer recorded it (the carrier was scripted so).
    const outcomes = await platform.db.query<{ outcome: string; n: number }>(
      `SELECT outcome, count(*)::int AS n FROM dialer.attempts GROUP BY outcome`,
    );
    expect(outcomes.rows).toEqual([{ outcome: 'completed', n: BATCHES * PER_BATCH }]);

    const calls = (
      await platform.db.query<{
        attempt_id: string;
        contact_id: string;
        attempt: number;
        placed_at: Date;
        ended_at: Date;
        admitted_at: Date;
        admitted_by: string;
      }>(
        `SELECT s.attempt_id, a.contact_id, a.attempt, s.placed_at, s.ended_at, a.admitted_at, a.admitted_by
           FROM dialer.sim_calls s JOIN dialer.attempts a USING (attempt_id)`,
      )
    ).rows;
    const total = BATCHES * PER_BATCH;
    expect(calls).toHaveLength(total);
    expect(new Set(calls.map((c) => c.attempt_id)).size).toBe(total);
    expect(new Set(calls.map((c) => `${c.contact_id}#${c.attempt}`)).size).toBe(total);
    expect(new Set(calls.map((c) => c.admitted_by)).size).toBe(3);

    const peak = maxOverlap(calls.map((c) => ({ start: c.placed_at, end: c.ended_at })));
    expect(peak).toBe(MAX_CONCURRENT);

    expect(
      worstExcess(
        calls.map((c) => c.admitted_at.getTime()),
        0,
      ),
    ).toBeLessThanOrEqual(1e-6);
    expect(
      worstExcess(
        calls.map((c) => c.placed_at.getTime()),
        0.25,
      ),
    ).toBeLessThanOrEqual(1e-6);

    // Every slot given back: the counter rows say 0 open, as the attempts table does.
    const open = await platform.db.query<{ open: number }>(
      `SELECT coalesce(sum(open), 0)::int AS open FROM dialer.open_slots WHERE org_id = 'default' AND scope = 'org'`,
    );
    expect(open.rows[0].open).toBe(0);
    // The scheduler agrees: every contact completed (the read model behind the API may still be
    // catching up with 2,000 call events on a loaded machine; its counts are not what this test is about).
    const contacts = await platform.db.query<{ status: string; n: number }>(
      `SELECT status, count(*)::int AS n FROM scheduler.contacts GROUP BY status`,
    );
    expect(contacts.rows).toEqual([{ status: 'completed', n: BATCHES * PER_BATCH }]);
    // On an idle 2-core machine this takes well under a minute; the bound is for a loaded one.
  }, 900_000);
});
