import { Subjects } from '@outdial/contracts';

import { api, RunningPlatform } from '../support/platform';

/**
 * Sets the default org's limits through the public API (PATCH /api/org); the gateway announces
 * them on v1.org.settings_changed. If that endpoint is not there, the event is published directly
 * with a version no gateway start-up announcement can beat. Waits until the dialers applied them.
 */
export async function setOrgLimits(
  platform: RunningPlatform,
  limits: { max_concurrent_calls: number; calls_per_second: number },
): Promise<void> {
  const patched = await api(platform, '/api/org', {
    method: 'PATCH',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(limits),
  });
  if (patched.status !== 200) {
    const { connect } = await import('@nats-io/transport-node');
    const { jetstream } = await import('@nats-io/jetstream');
    const nc = await connect({ servers: platform.env.natsUrl });
    const version = 1_000_000_000;
    const event = {
      event_id: `test-limits:${version}`,
      org_id: 'default',
      ...limits,
      compliance_guard: true,
      version,
      at: new Date().toISOString(),
    };
    await jetstream(nc).publish(`${platform.env.prefix}.${Subjects.orgSettingsChanged}`, JSON.stringify(event), {
      msgID: event.event_id,
    });
    await nc.close();
  }
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const rows = await platform.db
      .query(
        `SELECT 1 FROM dialer.org_budgets WHERE org_id = 'default' AND max_concurrent_calls = $1 AND calls_per_second = $2`,
        [limits.max_concurrent_calls, limits.calls_per_second],
      )
      .catch(() => ({ rows: [] }));
    if (rows.rows.length > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(
    `org limits ${JSON.stringify(limits)} not applied by the dialer (PATCH /api/org answered ${patched.status})`,
  );
}
