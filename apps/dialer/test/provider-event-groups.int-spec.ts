import { ProviderCallEvent, Subjects } from '@outdial/contracts';
import { TransientError } from '@outdial/service-runtime';

import { ApplyProviderEventCommand } from '../src/usecases/apply-provider-event/apply-provider-event.command';
import { ApplyProviderEventGroupUseCase } from '../src/usecases/apply-provider-event-group/apply-provider-event-group.usecase';
import { DialerHarness, startDialer, waitFor } from './support/dialer-harness';

/**
 * Provider events applied in groups (issue 16, ApplyProviderEventGroupUseCase) against the real
 * PostgreSQL and NATS: one read, one guarded write per attempt, ends + call-finished in one
 * transaction; what a group cannot decide goes through the one-event path. The slot counters
 * (open_slots, kept by triggers) show any double end: each attempt is inserted open (+1) and must
 * give its slot back exactly once (-1), so the org's sum returns to exactly 0.
 */
describe('provider events applied in groups', () => {
  let h: DialerHarness;
  let group: ApplyProviderEventGroupUseCase;

  beforeAll(async () => {
    // The simulator is never asked here: every attempt is inserted as dialed by a provider of its own.
    h = await startDialer('evgroup', { DIALER_REAPER_INTERVAL_MS: '100' });
    group = h.dialer.app.get(ApplyProviderEventGroupUseCase);
  });

  afterAll(async () => {
    await h?.close();
  });

  const query = <T = any>(sql: string, params: unknown[] = []) => h.query<T>(sql, params);

  /** Attempts recorded as dialing (`sim-<id>` calls), as admission + place-call would leave them. */
  async function dialing(org: string, ids: string[]): Promise<void> {
    await query(
      `INSERT INTO dialer.attempts (attempt_id, contact_id, attempt, batch_id, org_id, provider, provider_call_id, status,
                                    requested_at, started_at, lease_expires_at, timeout_seconds, agent_id)
       SELECT id, 'c-' || id, 1, $2 || '-batch', $2, 'simulated', 'sim-' || id, 'dialing', now(), now(), now() + interval '1 hour', 600, 'agent-g'
         FROM unnest($1::text[]) AS id`,
      [ids, org],
    );
  }

  let seq = 0;
  function event(attemptId: string, kind: ProviderCallEvent['kind'], over: Partial<ProviderCallEvent> = {}) {
    seq++;
    const at = new Date(Date.UTC(2026, 0, 1, 12, 0, 0) + seq * 1000).toISOString();
    const e: ProviderCallEvent = {
      event_id: `g-${attemptId}-${kind}-${seq}`,
      provider: 'simulated',
      provider_call_id: `sim-${attemptId}`,
      attempt_id: attemptId,
      kind,
      at,
      ...over,
    };
    if (kind === 'ended') e.outcome ??= 'completed';
    return e;
  }
  const cmd = (e: ProviderCallEvent, deliveryCount = 1): ApplyProviderEventCommand => ({ event: e, deliveryCount });

  async function attempt(id: string) {
    return (await query(`SELECT * FROM dialer.attempts WHERE attempt_id = $1`, [id]))[0];
  }
  async function openSlots(org: string): Promise<number> {
    const [row] = await query<{ n: number }>(
      `SELECT coalesce(sum(open), 0)::int AS n FROM dialer.open_slots WHERE org_id = $1 AND scope = 'org'`,
      [org],
    );
    return row.n;
  }
  /** call-finished events published for these attempts (the CALL stream keeps everything). */
  async function finishedOf(ids: string[]): Promise<Record<string, unknown>[]> {
    const messages = await h.streamMessages('CALL');
    return messages
      .filter((m) => m.subject === Subjects.callFinished && ids.includes(String(m.payload.attempt_id)))
      .map((m) => m.payload);
  }

  it('ringing, answered and ended of one attempt in one group apply in order: one write, one call-finished', async () => {
    await dialing('org-g1', ['g1-a']);
    const answered = event('g1-a', 'answered');
    const ended = event('g1-a', 'ended', { outcome: 'completed' });
    const results = await group.execute([cmd(event('g1-a', 'ringing')), cmd(answered), cmd(ended)]);
    expect(results).toEqual([null, null, null]);
    const row = await attempt('g1-a');
    expect(row).toMatchObject({ status: 'ended', outcome: 'completed', report_held_until: null });
    expect(row.answered_at.toISOString()).toBe(answered.at);
    expect(row.ended_at.toISOString()).toBe(ended.at);
    // No duration in the event: the talk time from answered to ended, as the one-event path computes it.
    expect(Number(row.duration_seconds)).toBe(1);
    expect(await openSlots('org-g1')).toBe(0);
    await waitFor(async () => (await finishedOf(['g1-a'])).length === 1, 10_000, 'call-finished of g1-a');
    expect((await finishedOf(['g1-a']))[0]).toMatchObject({ outcome: 'completed', duration_seconds: 1 });
  });

  it('duplicates in a group (same message twice, a second end): applied once, the rest ignored', async () => {
    await dialing('org-g2', ['g2-a', 'g2-b']);
    const ringing = event('g2-a', 'ringing');
    const endA = event('g2-a', 'ended', { outcome: 'busy', duration_seconds: 0 });
    const endB = event('g2-b', 'ended', { outcome: 'no_answer', duration_seconds: 0 });
    const results = await group.execute([
      cmd(ringing),
      cmd(endB),
      cmd(ringing),
      cmd(endA),
      cmd(endA),
      cmd(event('g2-a', 'ended', { outcome: 'completed', duration_seconds: 9 })),
      cmd(endB),
    ]);
    expect(results.every((r) => r === null)).toBe(true);
    expect(await attempt('g2-a')).toMatchObject({ status: 'ended', outcome: 'busy' });
    expect(await attempt('g2-b')).toMatchObject({ status: 'ended', outcome: 'no_answer' });
    expect(await openSlots('org-g2')).toBe(0);
    await waitFor(async () => (await finishedOf(['g2-a', 'g2-b'])).length === 2, 10_000, 'call-finished of g2');
    await new Promise((r) => setTimeout(r, 300));
    expect((await finishedOf(['g2-a', 'g2-b'])).length).toBe(2);
  });

  it('settles each message on its own: an unknown attempt and one awaiting its dial record fail alone', async () => {
    await dialing('org-g3', ['g3-a']);
    await query(
      `INSERT INTO dialer.attempts (attempt_id, contact_id, attempt, batch_id, org_id, provider, status, requested_at, lease_expires_at, timeout_seconds)
       VALUES ('g3-admitted', 'c-g3-admitted', 1, 'b', 'org-g3', 'simulated', 'admitted', now(), now() + interval '1 hour', 600)`,
    );
    const results = await group.execute([
      cmd(event('g3-unknown', 'ringing')),
      cmd(event('g3-a', 'ended', { outcome: 'failed', duration_seconds: 0 })),
      cmd(event('g3-admitted', 'ringing', { provider_call_id: 'sim-x' })),
    ]);
    expect(results[0]).toBeInstanceOf(TransientError);
    expect(results[1]).toBeNull();
    expect(results[2]).toBeInstanceOf(TransientError);
    expect(await attempt('g3-a')).toMatchObject({ status: 'ended', outcome: 'failed' });
    expect(await attempt('g3-admitted')).toMatchObject({ status: 'admitted' });
  });

  it('an event for another call of the attempt changes nothing, and does not stop the group', async () => {
    await dialing('org-g4', ['g4-a', 'g4-b']);
    const results = await group.execute([
      cmd(event('g4-a', 'ended', { provider_call_id: 'sim-someone-else' })),
      cmd(event('g4-b', 'answered')),
    ]);
    expect(results).toEqual([null, null]);
    expect(await attempt('g4-a')).toMatchObject({ status: 'dialing' });
    expect(await attempt('g4-b')).toMatchObject({ status: 'in_progress' });
  });

  it('a guarded write that misses (the attempt moved since the read) is decided again alone', async () => {
    await dialing('org-g5', ['g5-a']);
    // Another replica ended the attempt between this group's read and its write: simulated by a
    // group that reads first (answered in the same group) while a concurrent group ends it.
    const other = group.execute([cmd(event('g5-a', 'ended', { outcome: 'busy', duration_seconds: 0 }))]);
    const mine = group.execute([cmd(event('g5-a', 'answered')), cmd(event('g5-a', 'ended', { duration_seconds: 5 }))]);
    const [a, b] = await Promise.all([other, mine]);
    expect([...a, ...b].every((r) => r === null)).toBe(true);
    const row = await attempt('g5-a');
    expect(row.status).toBe('ended');
    expect(await openSlots('org-g5')).toBe(0);
    await waitFor(async () => (await finishedOf(['g5-a'])).length === 1, 10_000, 'call-finished of g5-a');
  });

  it('a miss is decided again in the next round of the group, read once more, not event by event alone', async () => {
    await dialing('org-g8', ['g8-a', 'g8-b']);
    const internals = group as unknown as {
      attempts: { getMany: (...args: unknown[]) => Promise<unknown[]> };
      single: { execute: (...args: unknown[]) => Promise<unknown> };
      metrics: { providerGroupRetries: { get: () => Promise<{ values: { value: number }[] }> } };
    };
    const retries = async () => (await internals.metrics.providerGroupRetries.get()).values[0]?.value ?? 0;
    const before = await retries();
    const realGetMany = internals.attempts.getMany;
    const realSingle = internals.single.execute;
    let reads = 0;
    let alone = 0;
    // Another writer moves g8-a (dialing -> ringing) right after this group's first read.
    internals.attempts.getMany = async (...args: unknown[]) => {
      const rows = await realGetMany.apply(internals.attempts, args);
      if (++reads === 1) await query(`UPDATE dialer.attempts SET status = 'ringing' WHERE attempt_id = 'g8-a'`);
      return rows;
    };
    internals.single.execute = async (...args: unknown[]) => {
      alone++;
      return realSingle.apply(internals.single, args);
    };
    try {
      const results = await group.execute([
        cmd(event('g8-a', 'answered')),
        cmd(event('g8-b', 'ended', { outcome: 'busy', duration_seconds: 0 })),
        cmd(event('g8-a', 'ended', { duration_seconds: 7 })),
      ]);
      expect(results).toEqual([null, null, null]);
    } finally {
      internals.attempts.getMany = realGetMany;
      internals.single.execute = realSingle;
    }
    expect(reads).toBe(2); // the group's read, and the second round's read of g8-a only
    expect(alone).toBe(0);
    expect(await retries()).toBe(before + 2); // both events of g8-a
    expect(await attempt('g8-a')).toMatchObject({ status: 'ended', outcome: 'completed' });
    expect(await attempt('g8-b')).toMatchObject({ status: 'ended', outcome: 'busy' });
    expect(await openSlots('org-g8')).toBe(0);
    await waitFor(async () => (await finishedOf(['g8-a', 'g8-b'])).length === 2, 10_000, 'call-finished of g8');
  });

  it('races across two dialer instances: every attempt ends exactly once, slots given back once', async () => {
    const replica = await h.startReplica();
    const other = replica.app.get(ApplyProviderEventGroupUseCase);
    const ids = Array.from({ length: 60 }, (_, i) => `g6-${i}`);
    await dialing('org-g6', ids);
    expect(await openSlots('org-g6')).toBe(60);
    // Each instance gets every attempt's full story, in different orders and group cuts, with
    // different outcomes: whichever end wins, only one may take effect.
    const story = (id: string, outcome: 'completed' | 'busy') => [
      cmd(event(id, 'ringing')),
      cmd(event(id, 'answered')),
      cmd(event(id, 'ended', { outcome, duration_seconds: outcome === 'busy' ? 0 : 3 })),
    ];
    const mine = ids.flatMap((id) => story(id, 'completed'));
    const theirs = [...ids].reverse().flatMap((id) => story(id, 'busy'));
    const groupsOf = (cmds: ApplyProviderEventCommand[], size: number) =>
      Array.from({ length: Math.ceil(cmds.length / size) }, (_, i) => cmds.slice(i * size, (i + 1) * size));
    const run = async (uc: ApplyProviderEventGroupUseCase, groups: ApplyProviderEventCommand[][]) => {
      const out: (Error | null)[] = [];
      for (const g of groups) out.push(...(await uc.execute(g)));
      return out;
    };
    const results = await Promise.all([
      run(group, groupsOf(mine, 16)),
      run(other, groupsOf(theirs, 23)),
      run(group, groupsOf(theirs.slice().reverse(), 7)),
    ]);
    // A storm may exhaust the one-event path's retries: that message is naked (redelivered), never lost.
    for (const r of results.flat()) if (r !== null) expect(r).toBeInstanceOf(TransientError);
    const rows = await query(`SELECT status, outcome FROM dialer.attempts WHERE org_id = 'org-g6'`);
    expect(rows).toHaveLength(60);
    expect(rows.every((r) => r.status === 'ended' && ['completed', 'busy'].includes(r.outcome))).toBe(true);
    expect(await openSlots('org-g6')).toBe(0);
    await waitFor(async () => (await finishedOf(ids)).length === 60, 15_000, 'call-finished of g6');
    const finished = await finishedOf(ids);
    expect(new Set(finished.map((f) => f.attempt_id)).size).toBe(60);
    // What was reported is what the attempt kept.
    const kept = new Map(
      (await query(`SELECT attempt_id, outcome FROM dialer.attempts WHERE org_id = 'org-g6'`)).map((r) => [
        r.attempt_id,
        r.outcome,
      ]),
    );
    for (const f of finished) expect(f.outcome).toBe(kept.get(String(f.attempt_id)));
  });

  it('through JetStream: a burst of events for many attempts ends each once', async () => {
    const ids = Array.from({ length: 40 }, (_, i) => `g7-${i}`);
    await dialing('org-g7', ids);
    await Promise.all(
      ids.flatMap((id) => [
        h.publish(Subjects.providerEvent, event(id, 'ringing')),
        h.publish(Subjects.providerEvent, event(id, 'answered')),
        h.publish(Subjects.providerEvent, event(id, 'ended', { duration_seconds: 2 })),
      ]),
    );
    await waitFor(async () => (await h.streamState('PROVIDER')).messages === 0, 15_000, 'provider events settled');
    const rows = await query(`SELECT status FROM dialer.attempts WHERE org_id = 'org-g7'`);
    expect(rows.every((r) => r.status === 'ended')).toBe(true);
    expect(await openSlots('org-g7')).toBe(0);
    await waitFor(async () => (await finishedOf(ids)).length === 40, 15_000, 'call-finished of g7');
  });
});
