import { RunningPlatform, startPlatform, uploadCsv, waitForBatch } from '../support/platform';
import { setOrgLimits } from './dialer-e2e-helpers';

/**
 * Log levels mean something: an ordinary campaign (retries, refusals at the org limit, races
 * between events of one attempt) is all expected work, so it writes no line at `warn` or above.
 * The services run at LOG_LEVEL=warn as under `npm start`: every line they print is one.
 */
describe('an ordinary 50-contact batch logs nothing at warn or above', () => {
  let platform: RunningPlatform;

  beforeAll(async () => {
    platform = await startPlatform('loglevels', { dialerReplicas: 2 });
  }, 120_000);

  afterAll(async () => {
    await platform?.stop();
  });

  it('completes with no warn, error or fatal line from any service', async () => {
    // Org limit below the batch's concurrency: admissions are refused and retried all along.
    await setOrgLimits(platform, { max_concurrent_calls: 4, calls_per_second: 10 });
    const outcomes = ['completed', 'busy,completed', 'no_answer', 'voicemail', 'failed'];
    const lines = ['phone,name,sim_outcomes,sim_duration_seconds'];
    for (let i = 0; i < 50; i++)
      lines.push(`+1415559${String(i).padStart(4, '0')},Contact ${i},"${outcomes[i % outcomes.length]}",5`);
    const created = await uploadCsv(platform, lines.join('\n') + '\n', {
      agent_id: 'agent-demo',
      concurrency: '8',
      max_attempts: '2',
      retry_policy: JSON.stringify({ retry_on: ['busy'], delays_seconds: [1] }),
    });
    expect(created.status).toBe(201);
    await waitForBatch(platform, created.body.batch_id, 'completed', 180_000);
    await new Promise((r) => setTimeout(r, 1_000));
    const loud = platform.logs.filter(
      (line) => /"level":\s*(40|50|60)\b|"level":"(warn|error|fatal)"/.test(line) || !line.includes('"level"'),
    );
    expect(loud).toEqual([]);
  }, 240_000);
});
