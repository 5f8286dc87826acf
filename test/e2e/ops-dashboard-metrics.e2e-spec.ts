import { readFileSync } from 'node:fs';
import path from 'node:path';

import { RunningPlatform, startPlatform, uploadCsv, waitForBatch } from '../support/platform';

/**
 * Every metric the provisioned Grafana dashboard (ops/grafana/outdial-dashboard.json) queries is
 * served with at least one sample by the running stack after an ordinary batch, so no panel is
 * silently empty because a metric was renamed, never registered or never set.
 */
const DASHBOARD = path.resolve(__dirname, '..', '..', 'ops', 'grafana', 'outdial-dashboard.json');

/** The `outdial_*` metric names in the dashboard's PromQL expressions (histograms by their `_bucket` series). */
export function dashboardMetricNames(dashboard: { panels?: { targets?: { expr?: string }[] }[] }): string[] {
  const names = new Set<string>();
  for (const panel of dashboard.panels ?? []) {
    for (const target of panel.targets ?? []) {
      for (const match of (target.expr ?? '').matchAll(/\b(outdial_[a-z0-9_]+)/g)) names.add(match[1]);
    }
  }
  return [...names].sort();
}

describe('Grafana dashboard metrics are served by a running stack', () => {
  let platform: RunningPlatform;

  beforeAll(async () => {
    platform = await startPlatform('opsmetrics');
  }, 120_000);

  afterAll(async () => {
    await platform?.stop();
  });

  it('has a sample for every metric the dashboard queries', async () => {
    const created = await uploadCsv(
      platform,
      'phone,name,sim_outcomes\n+14155550101,Ada,completed\n+14155550102,Alan,busy\n',
      { agent_id: 'agent-demo', max_attempts: '1' },
    );
    expect(created.status).toBe(201);
    await waitForBatch(platform, created.body.batch_id, 'completed');
    // Samplers (queue depth, outbox) run every 5 s.
    await new Promise((r) => setTimeout(r, 6_000));

    const expositions = await Promise.all(
      platform.processes.map(async (p) => (await fetch(`${p.url}/metrics`)).text()),
    );
    const served = new Set<string>();
    for (const text of expositions) {
      for (const line of text.split('\n')) {
        const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]/.exec(line);
        if (match) served.add(match[1]);
      }
    }
    const wanted = dashboardMetricNames(JSON.parse(readFileSync(DASHBOARD, 'utf8')));
    expect(wanted.length).toBeGreaterThan(10);
    expect(wanted.filter((name) => !served.has(name))).toEqual([]);
  }, 120_000);
});
