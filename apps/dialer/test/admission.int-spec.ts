import {
  CallDeclinedEvent,
  DialRequest,
  EventPayload,
  EventSubject,
  OrgSettingsChangedEvent,
  parsePayload,
  Subjects,
} from '@outdial/contracts';

import { maxOverlap } from '../../../test/support/platform';
import { DialerHarness, sleep, startDialer, waitFor as waitForEvery } from './support/dialer-harness';

/** Admission against the real PostgreSQL and NATS: limits, declines, waiting, batch deletion. */
describe('dialer admission', () => {
  let h: DialerHarness;

  beforeAll(async () => {
    h = await startDialer('admission', {
      SIM_TIME_SCALE: '0.01',
      DIALER_REAPER_INTERVAL_MS: '100',
      DIALER_LEASE_GRACE_SECONDS: '0',
      DIALER_ADMISSION_RETRY_MS: '50',
    });
  });

  afterAll(async () => {
    await h?.close();
  });

  let counter = 0;
  function dialRequest(
    org: string,
    batch: string,
    contactId: string,
    overrides: Partial<DialRequest> = {},
  ): DialRequest {
    counter++;
    return {
      event_id: `dial-${contactId}-${counter}`,
      org_id: org,
      attempt_id: `${contactId}:1`,
      batch_id: batch,
      contact_id: contactId,
      attempt: 1,
      phone: `+1415555${String(1000 + counter).padStart(4, '0')}`,
      from_number: '+12025550100',
      agent_id: 'agent-demo',
      provider: 'simulated',
      variables: { sim_outcomes: 'completed', sim_duration_seconds: '20' }, // 0.2 s of talk
      timeout_seconds: 60,
      requested_at: new Date().toISOString(),
      ...overrides,
    };
  }

  const publish = <S extends EventSubject>(subject: S, payload: EventPayload<S>) => h.publish(subject, payload);
  const waitFor = (predicate: () => Promise<boolean>, timeoutMs = 20_000, what = 'condition') =>
    waitForEvery(predicate, timeoutMs, what);
  const query = <T = any>(sql: string, params: unknown[] = []) => h.query<T>(sql, params);

  async function setLimits(org: string, limits: Partial<OrgSettingsChangedEvent>, version: number): Promise<void> {
    await publish(Subjects.orgSettingsChanged, {
      event_id: `${org}-v${version}`,
      org_id: org,
      max_concurrent_calls: 5,
      calls_per_second: 1,
      compliance_guard: true,
      version,
      at: new Date().toISOString(),
      ...limits,
    });
    await waitFor(
      async () =>
        (await query(`SELECT 1 FROM dialer.org_budgets WHERE org_id = $1 AND settings_version >= $2`, [org, version]))
          .length > 0,
      10_000,
      `${org} limits v${version}`,
    );
  }

  async function callsOf(org: string) {
    return query<{ attempt_id: string; placed_at: Date; ended_at: Date | null; admitted_at: Date; batch_id: string }>(
      `SELECT s.attempt_id, s.placed_at, s.ended_at, a.admitted_at, a.batch_id
         FROM dialer.sim_calls s JOIN dialer.attempts a USING (attempt_id) WHERE a.org_id = $1 ORDER BY s.placed_at`,
      [org],
    );
  }

  async function allEnded(org: string, count: number): Promise<void> {
    await waitFor(
      async () =>
        (await query(`SELECT 1 FROM dialer.attempts WHERE org_id = $1 AND status = 'ended'`, [org])).length === count,
      30_000,
      `${count} attempts of ${org} ended`,
    );
  }

  async function callStream(subject: string): Promise<Record<string, any>[]> {
    return (await h.streamMessages('CALL'))
      .filter((message) => message.subject === subject)
      .map((message) => message.payload);
  }

  it('holds the org limit across batches and each batch its concurrency; refused requests wait and all get dialed once', async () => {
    await setLimits('org-a', { max_concurrent_calls: 3, calls_per_second: 1000 }, 1);
    const requests = [
      ...Array.from({ length: 8 }, (_, i) => dialRequest('org-a', 'batch-a1', `a1-${i}`, { batch_concurrency: 2 })),
      ...Array.from({ length: 8 }, (_, i) => dialRequest('org-a', 'batch-a2', `a2-${i}`, { batch_concurrency: 5 })),
    ];
    await Promise.all(requests.map((r) => publish(Subjects.dialRequested, r)));
    await allEnded('org-a', 16);
    const calls = await callsOf('org-a');
    expect(calls).toHaveLength(16);
    const interval = (c: { placed_at: Date; ended_at: Date | null }) => ({ start: c.placed_at, end: c.ended_at! });
    expect(maxOverlap(calls.map(interval))).toBe(3);
    expect(maxOverlap(calls.filter((c) => c.batch_id === 'batch-a1').map(interval))).toBeLessThanOrEqual(2);
    const text = await (await fetch(`http://127.0.0.1:${h.dialer.port}/metrics`)).text();
    expect(text).toMatch(/outdial_dial_admissions_total\{[^}]*result="refused"[^}]*limit="org"[^}]*\} [1-9]/);
    expect(text).toMatch(/outdial_dial_admissions_total\{[^}]*result="granted"[^}]*\} [1-9]/);
  });

  it('starts calls no faster than calls_per_second (bucket of max(1, rate))', async () => {
    await setLimits('org-r', { max_concurrent_calls: 50, calls_per_second: 4 }, 1);
    const requests = Array.from({ length: 12 }, (_, i) =>
      dialRequest('org-r', 'batch-r', `r-${i}`, {
        variables: { sim_outcomes: 'completed', sim_duration_seconds: '0' },
      }),
    );
    const before = Date.now();
    await Promise.all(requests.map((r) => publish(Subjects.dialRequested, r)));
    await allEnded('org-r', 12);
    const admitted = (await callsOf('org-r')).map((c) => c.admitted_at.getTime()).sort((a, b) => a - b);
    // Any window [i, j] holds at most 4 (bucket) + 4/s * its length starts.
    for (let i = 0; i < admitted.length; i++) {
      for (let j = i; j < admitted.length; j++)
        expect(j - i + 1).toBeLessThanOrEqual(4 + 4 * ((admitted[j] - admitted[i]) / 1000) + 1e-6);
    }
    // 12 calls = a burst of 4, then 8 more at 4/s: about 2 s, not much more.
    expect(admitted[11] - admitted[0]).toBeGreaterThanOrEqual(1900);
    expect(Date.now() - before).toBeLessThan(10_000);
  });

  it('declines a request of a paused batch and one past its window: nothing dialed, nothing recorded', async () => {
    const pausedAt = new Date();
    const released = dialRequest('org-d', 'batch-paused', 'd-paused', {
      requested_at: new Date(pausedAt.getTime() - 10).toISOString(),
    });
    await publish(Subjects.batchStatusChanged, {
      event_id: 'bp-paused',
      org_id: 'org-d',
      batch_id: 'batch-paused',
      status: 'paused',
      previous_status: 'running',
      at: pausedAt.toISOString(),
    });
    await waitFor(
      async () => (await query(`SELECT 1 FROM dialer.batch_states WHERE batch_id = 'batch-paused'`)).length > 0,
    );
    await publish(Subjects.dialRequested, released);
    const late = dialRequest('org-d', 'batch-open', 'd-late', { not_after: new Date(Date.now() - 1).toISOString() });
    await publish(Subjects.dialRequested, late);

    let declined: CallDeclinedEvent[] = [];
    await waitFor(
      async () =>
        (declined = (await callStream(Subjects.callDeclined)).map((e) => parsePayload(Subjects.callDeclined, e)))
          .length >= 2,
    );
    expect(declined.map((e) => [e.contact_id, e.reason, e.attempt, e.attempt_id]).sort()).toEqual([
      ['d-late', 'outside_window', 1, 'd-late:1'],
      ['d-paused', 'batch_not_running', 1, 'd-paused:1'],
    ]);
    expect(await query(`SELECT 1 FROM dialer.attempts WHERE org_id = 'org-d'`)).toHaveLength(0);
    expect(
      await query(`SELECT 1 FROM dialer.sim_calls WHERE to_phone IN ($1, $2)`, [released.phone, late.phone]),
    ).toHaveLength(0);

    // Released again after a resume the dialer has not heard of yet: the newer release wins, and the same attempt is dialed.
    await publish(Subjects.dialRequested, {
      ...released,
      event_id: `${released.event_id}-again`,
      requested_at: new Date().toISOString(),
    });
    await allEnded('org-d', 1);
    expect(await query(`SELECT attempt_id FROM dialer.attempts WHERE org_id = 'org-d'`)).toEqual([
      { attempt_id: 'd-paused:1' },
    ]);
  });

  // Issue 12 §1, defence in depth: the dialer computes the contact's window itself at admission,
  // and declines even when the scheduler's not_after (from a wrong cached answer) said open.
  it('declines a request whose calling window is closed now by its own check, though not_after says open; dials one whose window is open', async () => {
    const hourIn = (zone: string) =>
      Number(
        new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', hourCycle: 'h23' }).format(new Date()),
      );
    const zone = 'America/St_Johns';
    const hour = hourIn(zone);
    // A one-hour window that closed an hour ago (or is yet to come) in St. John's, and one open now.
    const closedWindow =
      hour >= 2 ? { start_hour: hour - 2, end_hour: hour - 1 } : { start_hour: hour + 2, end_hour: hour + 3 };
    const openWindow = { start_hour: hour, end_hour: hour + 1 };
    const farAhead = new Date(Date.now() + 86_400_000).toISOString(); // the stale "open until tomorrow" of the issue
    const closed = dialRequest('org-w', 'batch-w', 'w-closed', {
      not_after: farAhead,
      calling_window: { ...closedWindow, weekdays: [1, 2, 3, 4, 5, 6, 7], zones: [zone] },
    });
    const open = dialRequest('org-w', 'batch-w', 'w-open', {
      not_after: farAhead,
      calling_window: { ...openWindow, weekdays: [1, 2, 3, 4, 5, 6, 7], zones: [zone] },
    });
    await publish(Subjects.dialRequested, closed);
    await publish(Subjects.dialRequested, open);

    let declined: CallDeclinedEvent[] = [];
    await waitFor(
      async () =>
        (declined = (await callStream(Subjects.callDeclined))
          .map((e) => parsePayload(Subjects.callDeclined, e))
          .filter((e) => e.org_id === 'org-w')).length >= 1,
    );
    expect(declined.map((e) => [e.contact_id, e.reason])).toEqual([['w-closed', 'outside_window']]);
    await allEnded('org-w', 1);
    expect(await query(`SELECT attempt_id FROM dialer.attempts WHERE org_id = 'org-w'`)).toEqual([
      { attempt_id: 'w-open:1' },
    ]);
    expect(await query(`SELECT 1 FROM dialer.sim_calls WHERE to_phone = $1`, [closed.phone])).toHaveLength(0);
    const text = await (await fetch(`http://127.0.0.1:${h.dialer.port}/metrics`)).text();
    expect(text).toMatch(/outdial_dial_declined_total\{[^}]*reason="outside_window_guard"[^}]*\} 1/);
  });

  it('ends a request that found no slot within its call timeout as timeout, without dialing', async () => {
    await setLimits('org-t', { max_concurrent_calls: 1, calls_per_second: 1000 }, 1);
    const long = dialRequest('org-t', 'batch-t', 't-long', {
      variables: { sim_outcomes: 'completed', sim_duration_seconds: '300' },
    }); // 3 s
    await publish(Subjects.dialRequested, long);
    await waitFor(
      async () => (await query(`SELECT 1 FROM dialer.sim_calls WHERE to_phone = $1`, [long.phone])).length > 0,
    );
    const starved = dialRequest('org-t', 'batch-t', 't-starved', { timeout_seconds: 1 });
    await publish(Subjects.dialRequested, starved);
    await waitFor(
      async () =>
        (await query(`SELECT 1 FROM dialer.attempts WHERE attempt_id = 't-starved:1' AND status = 'ended'`)).length > 0,
      10_000,
    );
    const [row] = await query(
      `SELECT outcome, failure_reason, provider_call_id FROM dialer.attempts WHERE attempt_id = 't-starved:1'`,
    );
    expect(row).toEqual({
      outcome: 'timeout',
      failure_reason: 'not admitted within the call timeout (org limit)',
      provider_call_id: null,
    });
    expect(await query(`SELECT 1 FROM dialer.sim_calls WHERE to_phone = $1`, [starved.phone])).toHaveLength(0);
    // The outbox publishes after the commit: the event may reach the stream a moment after the row ends.
    let finished: Record<string, unknown>[] = [];
    await waitFor(
      async () =>
        (finished = (await callStream(Subjects.callFinished)).filter((e) => e.attempt_id === 't-starved:1')).length > 0,
      10_000,
      'call-finished of t-starved',
    );
    expect(finished).toHaveLength(1);
  });

  it("applies only the highest version of an org's limits", async () => {
    await setLimits('org-v', { max_concurrent_calls: 7, calls_per_second: 2 }, 3);
    await publish(Subjects.orgSettingsChanged, {
      event_id: 'org-v-v2',
      org_id: 'org-v',
      max_concurrent_calls: 1,
      calls_per_second: 1,
      compliance_guard: true,
      version: 2,
      at: new Date().toISOString(),
    });
    await sleep(300);
    expect(
      await query(
        `SELECT max_concurrent_calls, calls_per_second, settings_version FROM dialer.org_budgets WHERE org_id = 'org-v'`,
      ),
    ).toEqual([{ max_concurrent_calls: 7, calls_per_second: 2, settings_version: 3 }]);
  });

  it("removes a deleted batch's attempts and declines its queued requests", async () => {
    await setLimits('org-x', { max_concurrent_calls: 10, calls_per_second: 1000 }, 1);
    const requests = Array.from({ length: 3 }, (_, i) =>
      dialRequest('org-x', 'batch-x', `x-${i}`, { variables: { sim_outcomes: 'busy' } }),
    );
    await Promise.all(requests.map((r) => publish(Subjects.dialRequested, r)));
    await allEnded('org-x', 3);
    const deletedAt = new Date();
    await publish(Subjects.batchDeleted, {
      event_id: 'batch-x-deleted',
      org_id: 'org-x',
      batch_id: 'batch-x',
      at: deletedAt.toISOString(),
    });
    await waitFor(
      async () => (await query(`SELECT 1 FROM dialer.attempts WHERE batch_id = 'batch-x'`)).length === 0,
      10_000,
      'attempts removed',
    );
    const stale = dialRequest('org-x', 'batch-x', 'x-stale', {
      requested_at: new Date(deletedAt.getTime() - 5).toISOString(),
    });
    await publish(Subjects.dialRequested, stale);
    await waitFor(async () =>
      (await callStream(Subjects.callDeclined)).some(
        (e) => e.contact_id === 'x-stale' && e.reason === 'batch_not_running',
      ),
    );
    expect(await query(`SELECT 1 FROM dialer.attempts WHERE batch_id = 'batch-x'`)).toHaveLength(0);
  });
});
