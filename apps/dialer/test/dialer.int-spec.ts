import { CallFinishedEvent, DialRequest, parsePayload, ProviderCallEvent, Subjects } from '@outdial/contracts';

import { chooseOutcome, parseOutcomeWeights } from '../src/domain/sim-outcome-distribution';
import { DialerHarness, sleep, startDialer, waitFor } from './support/dialer-harness';

/** Every simulated second lasts 10 ms: a 3 s ring is 30 ms, a 50 s talk is 0.5 s. */
const SCALE = 0.01;

describe('dialer against the real PostgreSQL and NATS', () => {
  let h: DialerHarness;

  beforeAll(async () => {
    h = await startDialer('dialer', {
      SIM_TIME_SCALE: String(SCALE),
      DIALER_REAPER_INTERVAL_MS: '100',
      DIALER_LEASE_GRACE_SECONDS: '0',
      DIALER_AGENT_WAIT_DELIVERIES: '1',
    });
    // These tests are about calls, not limits (admission.int-spec.ts): lift org-1's defaults (5 calls, 1/s).
    await h.announce('org-1', { max_concurrent_calls: 1000, calls_per_second: 1000 });
  });

  afterAll(async () => {
    await h?.close();
  });

  // ---- helpers ------------------------------------------------------------------------------

  let counter = 0;
  function dialRequest(contactId: string, overrides: Partial<DialRequest> = {}): DialRequest {
    const attempt = overrides.attempt ?? 1;
    counter++;
    return {
      event_id: `dial-${contactId}-${attempt}-${counter}`,
      org_id: 'org-1',
      attempt_id: `att-${contactId}-${attempt}`,
      batch_id: 'batch-1',
      contact_id: contactId,
      attempt,
      phone: `+1415555${String(1000 + counter).padStart(4, '0')}`,
      from_number: '+12025550100',
      agent_id: 'agent-demo',
      provider: 'simulated',
      variables: {},
      timeout_seconds: 60,
      requested_at: new Date().toISOString(),
      ...overrides,
    };
  }

  async function publishDial(request: DialRequest): Promise<void> {
    await h.publish(Subjects.dialRequested, request);
  }

  async function publishProviderEvent(event: ProviderCallEvent): Promise<void> {
    await h.publish(Subjects.providerEvent, event);
  }

  interface CallStreamEvent {
    subject: string;
    payload: Record<string, unknown>;
  }
  /** The CALL stream as read so far (it keeps everything: limits retention). */
  const callStream: CallStreamEvent[] = [];
  let nextCallSeq = 1;
  async function callEvents(): Promise<CallStreamEvent[]> {
    for (const message of await h.streamMessages('CALL', nextCallSeq)) {
      callStream.push({ subject: message.subject, payload: message.payload });
      nextCallSeq = message.seq + 1;
    }
    return callStream;
  }

  async function eventsFor(attemptId: string, subject: string): Promise<Record<string, unknown>[]> {
    return (await callEvents())
      .filter((e) => e.subject === subject && e.payload.attempt_id === attemptId)
      .map((e) => e.payload);
  }

  async function finished(attemptId: string, timeoutMs = 15_000): Promise<CallFinishedEvent> {
    let found: Record<string, unknown>[] = [];
    await waitFor(
      async () => (found = await eventsFor(attemptId, Subjects.callFinished)).length > 0,
      timeoutMs,
      `call-finished for ${attemptId}`,
    );
    expect(found).toHaveLength(1);
    // Exactly as the contract declares it.
    return parsePayload(Subjects.callFinished, found[0]);
  }

  async function simCalls(where: string, params: unknown[]) {
    return h.query<{
      call_id: string;
      attempt_id: string;
      state: string;
      outcome: string;
      end_due_at: Date;
      ended_at: Date | null;
      duration_seconds: number | null;
    }>(`SELECT * FROM dialer.sim_calls WHERE ${where} ORDER BY placed_at`, params);
  }

  async function attemptRow(attemptId: string) {
    const rows = await h.query<Record<string, any>>(`SELECT * FROM dialer.attempts WHERE attempt_id = $1`, [attemptId]);
    return rows[0];
  }

  /** Every provider event published so far was handled and acknowledged (a work queue keeps only unacked ones). */
  async function providerEventsSettled(): Promise<void> {
    await waitFor(async () => (await h.streamState('PROVIDER')).messages === 0, 15_000, 'provider events settled');
  }

  // ---- tests --------------------------------------------------------------------------------

  it('follows sim_outcomes, one per attempt with the last repeating, and the scripted talk time', async () => {
    const variables = { sim_outcomes: 'busy,completed', sim_duration_seconds: '50' };
    const first = dialRequest('c-script', { attempt: 1, variables });
    await publishDial(first);
    const busy = await finished(first.attempt_id);
    expect(busy).toMatchObject({
      event_id: `call-finished:${first.attempt_id}`,
      org_id: 'org-1',
      batch_id: 'batch-1',
      contact_id: 'c-script',
      attempt: 1,
      provider: 'simulated',
      outcome: 'busy',
      duration_seconds: 0,
    });
    expect(busy.answered_at).toBeUndefined();

    const [started] = await eventsFor(first.attempt_id, Subjects.callStarted);
    const startedEvent = parsePayload(Subjects.callStarted, started);
    expect(startedEvent).toMatchObject({
      event_id: `call-started:${first.attempt_id}`,
      attempt: 1,
      provider: 'simulated',
    });
    const [call] = await simCalls('attempt_id = $1', [first.attempt_id]);
    expect(call).toMatchObject({ outcome: 'busy', state: 'ended' });
    expect(startedEvent.provider_call_id).toBe(call.call_id);
    expect(busy.provider_call_id).toBe(call.call_id);
    expect(busy.started_at).toBe(startedEvent.started_at);
    expect(Date.parse(busy.ended_at)).toBeGreaterThanOrEqual(Date.parse(startedEvent.started_at));

    const second = dialRequest('c-script', { attempt: 2, variables });
    await publishDial(second);
    const completed = await finished(second.attempt_id);
    expect(completed).toMatchObject({ attempt: 2, outcome: 'completed' });
    // 50 simulated seconds at scale 0.01 is 0.5 s of real talk time.
    expect(completed.duration_seconds).toBeGreaterThanOrEqual(0.45);
    expect(completed.duration_seconds).toBeLessThan(1.5);
    expect(Date.parse(completed.ended_at) - Date.parse(completed.answered_at!)).toBeGreaterThanOrEqual(450);
    expect(await attemptRow(second.attempt_id)).toMatchObject({
      status: 'ended',
      outcome: 'completed',
      duration_seconds: completed.duration_seconds,
    });

    const third = dialRequest('c-script', { attempt: 3, variables });
    await publishDial(third);
    expect(await finished(third.attempt_id)).toMatchObject({ attempt: 3, outcome: 'completed' });
  });

  it('allows a talk time of 0', async () => {
    const request = dialRequest('c-zero', { variables: { sim_outcomes: 'completed', sim_duration_seconds: '0' } });
    await publishDial(request);
    const event = await finished(request.attempt_id);
    expect(event.outcome).toBe('completed');
    expect(event.answered_at).toBeDefined();
    expect(event.duration_seconds).toBeLessThan(0.2);
  });

  it('decides unscripted outcomes from the seeded distribution', async () => {
    const weights = parseOutcomeWeights('completed:0.6,no_answer:0.15,busy:0.1,voicemail:0.1,failed:0.05');
    const requests = ['d-1', 'd-2', 'd-3', 'd-4', 'd-5', 'd-6'].map((contact) =>
      dialRequest(contact, { variables: { sim_duration_seconds: '1' } }),
    );
    await Promise.all(requests.map(publishDial));
    for (const request of requests) {
      const event = await finished(request.attempt_id);
      expect([request.contact_id, event.outcome]).toEqual([
        request.contact_id,
        chooseOutcome(weights, 'outdial', request.contact_id, 1),
      ]);
    }
  });

  it('places exactly one call for duplicated and redelivered dial requests of the same (contact, attempt)', async () => {
    const original = dialRequest('c-dup', { variables: { sim_outcomes: 'completed', sim_duration_seconds: '20' } });
    const duplicates = [
      original,
      { ...original, event_id: `${original.event_id}-again` },
      // Same contact and attempt under another attempt id: still the same attempt.
      { ...original, event_id: `${original.event_id}-other-id`, attempt_id: `${original.attempt_id}-other` },
    ];
    await Promise.all(duplicates.map(publishDial));
    // Whichever copy is admitted first is the attempt; the others are reconciled.
    const finishedForContact = async () =>
      (await callEvents()).filter((e) => e.subject === Subjects.callFinished && e.payload.contact_id === 'c-dup');
    await waitFor(async () => (await finishedForContact()).length > 0, 15_000, 'call-finished for c-dup');
    const winner = String((await finishedForContact())[0].payload.attempt_id);
    expect([original.attempt_id, `${original.attempt_id}-other`]).toContain(winner);
    // A late redelivery after the call is over.
    await publishDial({ ...original, event_id: `${original.event_id}-late` });
    await waitFor(async () => (await h.streamState('DIAL')).messages === 0, 15_000, 'dial requests acknowledged');
    await sleep(300);

    expect(await simCalls('to_phone = $1', [original.phone])).toHaveLength(1);
    expect(await h.query(`SELECT attempt_id FROM dialer.attempts WHERE contact_id = $1`, ['c-dup'])).toEqual([
      { attempt_id: winner },
    ]);
    expect(await simCalls('to_phone = $1', [original.phone])).toMatchObject([{ attempt_id: winner, state: 'ended' }]);
    const forContact = (await callEvents()).filter((e) => e.payload.contact_id === 'c-dup');
    expect(forContact.map((e) => e.subject).sort()).toEqual([Subjects.callFinished, Subjects.callStarted]);
  });

  it('ends an attempt whose result never comes as timeout when its lease expires', async () => {
    const expiredAt = new Date(Date.now() - 1000);
    await h.query(
      `INSERT INTO dialer.attempts (attempt_id, contact_id, attempt, batch_id, org_id, provider, provider_call_id, status, requested_at, started_at, lease_expires_at, timeout_seconds)
       VALUES ('att-ghost', 'c-ghost', 1, 'batch-1', 'org-1', 'simulated', 'sim-ghost', 'dialing', $1, $1, $1, 1)`,
      [expiredAt],
    );
    const event = await finished('att-ghost');
    expect(event).toMatchObject({
      outcome: 'timeout',
      failure_reason: 'no result within the call timeout',
      provider_call_id: 'sim-ghost',
      duration_seconds: 0,
      started_at: expiredAt.toISOString(),
    });
    expect(await attemptRow('att-ghost')).toMatchObject({ status: 'ended', outcome: 'timeout' });
  });

  it('times out a call whose provider goes silent, and ignores its late result', async () => {
    const request = dialRequest('c-silent', { timeout_seconds: 1, variables: { sim_outcomes: 'timeout' } });
    const before = Date.now();
    await publishDial(request);
    const event = await finished(request.attempt_id);
    expect(event).toMatchObject({ outcome: 'timeout', failure_reason: 'no result within the call timeout' });
    expect(Date.parse(event.ended_at) - before).toBeGreaterThanOrEqual(1000);
    const [call] = await simCalls('attempt_id = $1', [request.attempt_id]);
    expect(call.state).toBe('ended'); // the carrier ended its side without a callback

    await publishProviderEvent({
      event_id: 'late-end',
      provider: 'simulated',
      provider_call_id: call.call_id,
      attempt_id: request.attempt_id,
      kind: 'ended',
      outcome: 'completed',
      duration_seconds: 42,
      at: new Date().toISOString(),
    });
    await providerEventsSettled();
    expect(await attemptRow(request.attempt_id)).toMatchObject({ status: 'ended', outcome: 'timeout' });
  });

  it('ignores repeated and out-of-order provider events', async () => {
    const request = dialRequest('c-late', { variables: { sim_outcomes: 'completed', sim_duration_seconds: '10' } });
    await publishDial(request);
    await finished(request.attempt_id);
    const before = await attemptRow(request.attempt_id);
    const base = {
      provider: 'simulated' as const,
      provider_call_id: before.provider_call_id,
      attempt_id: request.attempt_id,
    };
    await publishProviderEvent({ ...base, event_id: 'again-answered', kind: 'answered', at: new Date().toISOString() });
    await publishProviderEvent({ ...base, event_id: 'again-ringing', kind: 'ringing', at: new Date().toISOString() });
    await publishProviderEvent({
      ...base,
      event_id: 'again-ended',
      kind: 'ended',
      outcome: 'busy',
      duration_seconds: 0,
      at: new Date().toISOString(),
    });
    await providerEventsSettled();
    expect(await attemptRow(request.attempt_id)).toEqual(before);
  });

  it('applies a provider event once its attempt is known (an unknown attempt is retried, not dropped)', async () => {
    await publishProviderEvent({
      event_id: 'early-end',
      provider: 'simulated',
      provider_call_id: 'sim-external',
      attempt_id: 'att-early',
      kind: 'ended',
      outcome: 'voicemail',
      duration_seconds: 7,
      at: new Date().toISOString(),
    });
    await sleep(300);
    await h.query(
      `INSERT INTO dialer.attempts (attempt_id, contact_id, attempt, batch_id, org_id, provider, provider_call_id, status, requested_at, started_at, lease_expires_at, timeout_seconds)
       VALUES ('att-early', 'c-early', 1, 'batch-1', 'org-1', 'simulated', 'sim-external', 'dialing', now(), now(), now() + interval '1 hour', 600)`,
    );
    expect(await finished('att-early')).toMatchObject({
      outcome: 'voicemail',
      duration_seconds: 7,
      provider_call_id: 'sim-external',
    });
  });

  it('fails an attempt for a provider this platform is not configured for, without dialing', async () => {
    const request = dialRequest('c-http', { provider: 'twilio' });
    await publishDial(request);
    expect(await finished(request.attempt_id)).toMatchObject({
      provider: 'twilio',
      outcome: 'failed',
      failure_reason: 'twilio is not configured (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN)',
      duration_seconds: 0,
      unrecoverable_reason: 'provider_not_configured',
    });
    expect(await simCalls('to_phone = $1', [request.phone])).toHaveLength(0);
    expect(await eventsFor(request.attempt_id, Subjects.callStarted)).toHaveLength(0);
  });

  it('fails an attempt with an invalid script, naming the bad entry, without dialing', async () => {
    const request = dialRequest('c-bad-script', { variables: { sim_outcomes: 'busy,nope' } });
    await publishDial(request);
    const event = await finished(request.attempt_id);
    expect(event.outcome).toBe('failed');
    expect(event.failure_reason).toMatch(/invalid sim_outcomes: "nope"/);
    expect(await simCalls('to_phone = $1', [request.phone])).toHaveLength(0);
  });

  it('exports its metrics', async () => {
    const text = await (await fetch(`http://127.0.0.1:${h.dialer.port}/metrics`)).text();
    expect(text).toMatch(/outdial_calls_started_total\{[^}]*provider="simulated"[^}]*\} [1-9]/);
    expect(text).toMatch(/outdial_calls_finished_total\{[^}]*outcome="busy"[^}]*\} [1-9]/);
    expect(text).toMatch(/outdial_calls_finished_total\{[^}]*outcome="timeout"[^}]*\} [1-9]/);
    expect(text).toMatch(/outdial_dial_latency_seconds_count\{[^}]*\} [1-9]/);
    expect(text).toMatch(/# TYPE outdial_active_calls gauge/);
  });

  it('counts open attempts per org in outdial_active_calls', async () => {
    await h.query(
      `INSERT INTO dialer.attempts (attempt_id, contact_id, attempt, batch_id, org_id, provider, status, requested_at, lease_expires_at, timeout_seconds)
       VALUES ('att-open', 'c-open', 1, 'batch-2', 'org-gauge', 'simulated', 'admitted', now(), now() + interval '1 hour', 600)`,
    );
    const text = await (await fetch(`http://127.0.0.1:${h.dialer.port}/metrics`)).text();
    expect(text).toMatch(/outdial_active_calls\{[^}]*org="org-gauge"[^}]*\} 1\b/);
    await h.query(`DELETE FROM dialer.attempts WHERE attempt_id = 'att-open'`);
  });

  it('finishes a call whose dialer died mid-call: another instance sweeps it', async () => {
    const request = dialRequest('c-orphan', { variables: { sim_outcomes: 'completed', sim_duration_seconds: '150' } });
    await publishDial(request);
    await waitFor(
      async () => (await simCalls('attempt_id = $1', [request.attempt_id]))[0]?.state === 'answered',
      10_000,
      'call answered',
    );

    // The placing instance goes away with its timers; the call lives on at the carrier.
    await h.restartDialer();

    const event = await finished(request.attempt_id, 20_000);
    expect(event.outcome).toBe('completed');
    const [call] = await simCalls('attempt_id = $1', [request.attempt_id]);
    expect(call.state).toBe('ended');
    // Ended by the sweeper (more than its grace after the due time), not by a timer of the first instance.
    expect(call.ended_at!.getTime() - call.end_due_at.getTime()).toBeGreaterThanOrEqual(1000);
    expect(event.duration_seconds).toBeGreaterThanOrEqual(1.5);
    expect(await simCalls('to_phone = $1', [request.phone])).toHaveLength(1);
  });
});
