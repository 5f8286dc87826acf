import { CallFinishedEvent, DialRequest, EventPayload, EventSubject, parsePayload, Subjects } from '@outdial/contracts';

import { FakeTwilio, signTwilio } from '../../../test/support/fake-providers/fake-twilio';
import { GatewayDialerHarness, sleep, startGatewayAndDialer, waitFor as waitForEvery } from './support/dialer-harness';

/**
 * Twilio answering-machine verdicts that arrive after the call (issue 12 §4), through the real
 * gateway callback route and the dialer, against the fake Twilio: what reaches the CALL stream
 * (call-finished, read by the scheduler and reporting) is the settled outcome, exactly once.
 * The late-event table itself is unit-tested in src/domain/attempt-transitions.spec.ts.
 */
const ACCOUNT_SID = `AC${'fedcba9876543210'.repeat(2)}`;
const AUTH_TOKEN = 'twilio-auth-token-for-amd-tests';
const ORG = 'org-amd';
/** Short, so row H5 (no verdict within the wait) is seen within the test; the 0.5 s verdict fits well inside it. */
const VERDICT_WAIT_SECONDS = 2;

describe('twilio asynchronous AMD: late verdicts', () => {
  let h: GatewayDialerHarness;
  let gatewayUrl: string;
  const twilio = new FakeTwilio(ACCOUNT_SID, AUTH_TOKEN);

  beforeAll(async () => {
    await twilio.start();
    h = await startGatewayAndDialer('twilioamd', {
      TWILIO_ACCOUNT_SID: ACCOUNT_SID,
      TWILIO_AUTH_TOKEN: AUTH_TOKEN,
      TWILIO_API_BASE_URL: twilio.url,
      DIALER_AMD_VERDICT_WAIT_SECONDS: String(VERDICT_WAIT_SECONDS),
      DIALER_REAPER_INTERVAL_MS: '100',
      DIALER_AGENT_WAIT_DELIVERIES: '2',
    });
    gatewayUrl = h.gatewayUrl;
    const agents: [string, Record<string, unknown>][] = [
      ['agent-amd', { twiml_url: 'https://agents.example.com/twiml' }],
      ['agent-amd-off', { twiml_url: 'https://agents.example.com/twiml', machine_detection: 'off' }],
      [
        'agent-amd-beep',
        {
          twiml_url: 'https://agents.example.com/twiml',
          machine_detection: 'detect_message_end',
          machine_detection_timeout_seconds: 45,
        },
      ],
      ['agent-amd-bad', { twiml_url: 'https://agents.example.com/twiml', machine_detection: 'hangup' }],
      ['agent-amd-hangup', { twiml_url: 'https://agents.example.com/twiml', hangup_on_machine: true }],
    ];
    await h.announce(
      ORG,
      { max_concurrent_calls: 100, calls_per_second: 100 },
      agents.map(([agent_id, config]) => ({ agent_id, provider: 'twilio' as const, config })),
    );
  });

  afterAll(async () => {
    await h?.close();
    await twilio.stop();
  });

  const now = () => new Date().toISOString();
  const publish = <S extends EventSubject>(subject: S, payload: EventPayload<S>) => h.publish(subject, payload);
  const query = <T = any>(sql: string, params: unknown[] = []) => h.query<T>(sql, params);
  // Polled every 25 ms: some tests measure how soon a report is seen.
  const waitFor = (predicate: () => Promise<boolean>, timeoutMs = 15_000, what = 'condition') =>
    waitForEvery(predicate, timeoutMs, what, 25);

  let counter = 0;
  async function dial(phone: string, agentId = 'agent-amd'): Promise<DialRequest> {
    counter++;
    const request: DialRequest = {
      event_id: `dial-amd-${counter}`,
      org_id: ORG,
      attempt_id: `amd-${counter}:1`,
      batch_id: 'batch-amd',
      contact_id: `amd-${counter}`,
      attempt: 1,
      phone,
      from_number: '+12025550100',
      agent_id: agentId,
      provider: 'twilio',
      variables: {},
      timeout_seconds: 60,
      requested_at: now(),
    };
    await publish(Subjects.dialRequested, request);
    return request;
  }

  /** Every call-finished on the CALL stream for this attempt, with when this test first saw it. */
  const seenAt = new Map<number, number>();
  async function finishedEvents(attemptId: string): Promise<{ event: CallFinishedEvent; seenAt: number }[]> {
    const out: { event: CallFinishedEvent; seenAt: number }[] = [];
    for (const message of await h.streamMessages('CALL')) {
      if (message.subject !== Subjects.callFinished) continue;
      const event = parsePayload(Subjects.callFinished, message.payload);
      if (event.attempt_id !== attemptId) continue;
      if (!seenAt.has(message.seq)) seenAt.set(message.seq, Date.now());
      out.push({ event, seenAt: seenAt.get(message.seq)! });
    }
    return out;
  }

  async function reported(
    attemptId: string,
    timeoutMs = 15_000,
  ): Promise<{ event: CallFinishedEvent; seenAt: number }> {
    let found: { event: CallFinishedEvent; seenAt: number }[] = [];
    await waitFor(
      async () => (found = await finishedEvents(attemptId)).length > 0,
      timeoutMs,
      `call-finished for ${attemptId}`,
    );
    return found[0];
  }

  const attemptRow = async (attemptId: string) =>
    (await query(`SELECT * FROM dialer.attempts WHERE attempt_id = $1`, [attemptId]))[0];
  const callTo = (phone: string) => twilio.calls.filter((c) => c.params.get('To') === phone);
  const metric = async (name: string, labels: string): Promise<number> => {
    const text = await (await fetch(`http://127.0.0.1:${h.dialer.port}/metrics`)).text();
    // The runtime adds its default labels (service, replica) to every series.
    const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(labels));
    return line ? Number(line.split(' ').pop()) : 0;
  };

  it('issue 12 §4: completed (CallDuration=18, no AnsweredBy), then 0.5 s later AnsweredBy=machine_end_beep -> one call-finished, voicemail', async () => {
    twilio.script('+14155550401', {
      final: 'completed',
      durationSeconds: 18,
      answeredBy: 'machine_end_beep',
      machineDetectionMs: 2300,
      verdictAfterCompletedMs: 500,
    });
    const request = await dial('+14155550401');
    // While the verdict is owed, the attempt has ended (its slot is free) but nothing is reported.
    await waitFor(async () => (await attemptRow(request.attempt_id))?.status === 'ended', 10_000, 'attempt ended');
    const held = await attemptRow(request.attempt_id);
    expect(held).toMatchObject({ outcome: 'completed', answered_by: null });
    expect(held.report_held_until).not.toBeNull();
    expect(await finishedEvents(request.attempt_id)).toEqual([]);

    const { event } = await reported(request.attempt_id);
    expect(event).toMatchObject({
      outcome: 'voicemail',
      duration_seconds: 18,
      provider_call_id: callTo('+14155550401')[0].sid,
    });
    // The exact two callbacks of the issue, both accepted.
    const callbacks = twilio.callbacksOf(callTo('+14155550401')[0].sid);
    const completed = callbacks.find((c) => c.params.CallStatus === 'completed')!;
    const verdict = callbacks.find((c) => c.params.AnsweredBy !== undefined)!;
    expect(completed.params).toMatchObject({ CallStatus: 'completed', CallDuration: '18' });
    expect(completed.params).not.toHaveProperty('AnsweredBy');
    expect(verdict.params).toEqual({
      AccountSid: ACCOUNT_SID,
      CallSid: completed.params.CallSid,
      AnsweredBy: 'machine_end_beep',
      MachineDetectionDuration: '2300',
    });
    expect(verdict.at - completed.at).toBeGreaterThanOrEqual(480);
    expect([completed.status, verdict.status]).toEqual([204, 204]);
    expect(await attemptRow(request.attempt_id)).toMatchObject({
      outcome: 'voicemail',
      answered_by: 'machine_end_beep',
      report_held_until: null,
    });
    await sleep(VERDICT_WAIT_SECONDS * 1000 + 300);
    expect(await finishedEvents(request.attempt_id)).toHaveLength(1);
  });

  it('a verdict delivered twice revises once: one call-finished', async () => {
    twilio.script('+14155550402', {
      final: 'completed',
      durationSeconds: 7,
      answeredBy: 'machine_start',
      verdictAfterCompletedMs: 100,
      duplicateVerdict: true,
    });
    const request = await dial('+14155550402');
    expect((await reported(request.attempt_id)).event.outcome).toBe('voicemail');
    await waitFor(
      async () => twilio.callbacksOf(callTo('+14155550402')[0].sid).filter((c) => c.params.AnsweredBy).length === 2,
      5000,
      'both verdicts sent',
    );
    expect(
      twilio
        .callbacksOf(callTo('+14155550402')[0].sid)
        .filter((c) => c.params.AnsweredBy)
        .map((c) => c.status),
    ).toEqual([204, 204]);
    await sleep(300);
    expect(await finishedEvents(request.attempt_id)).toHaveLength(1);
  });

  it('a human verdict after completed confirms completed', async () => {
    twilio.script('+14155550403', {
      final: 'completed',
      durationSeconds: 25,
      answeredBy: 'human',
      verdictAfterCompletedMs: 200,
    });
    const request = await dial('+14155550403');
    const { event } = await reported(request.attempt_id);
    expect(event).toMatchObject({ outcome: 'completed', duration_seconds: 25 });
    expect(await attemptRow(request.attempt_id)).toMatchObject({ answered_by: 'human', report_held_until: null });
  });

  it('a verdict that came during the call decides the outcome at completed, with no hold', async () => {
    twilio.script('+14155550404', { final: 'completed', durationSeconds: 9, answeredBy: 'machine_end_silence' });
    const request = await dial('+14155550404');
    const started = Date.now();
    const { event, seenAt } = await reported(request.attempt_id);
    expect(event.outcome).toBe('voicemail');
    expect(seenAt - started).toBeLessThan(VERDICT_WAIT_SECONDS * 1000);
  });

  it('no verdict within the wait: reported completed when the wait ends; a verdict after that changes nothing', async () => {
    twilio.script('+14155550405', {
      final: 'completed',
      durationSeconds: 30,
      answeredBy: 'machine_end_beep',
      verdictAfterCompletedMs: VERDICT_WAIT_SECONDS * 1000 + 1500,
    });
    const ignoredBefore = await metric('outdial_provider_events_ignored_total', 'kind="amd_verdict",reason="too_late"');
    const request = await dial('+14155550405');
    await waitFor(async () => (await attemptRow(request.attempt_id))?.status === 'ended', 10_000, 'attempt ended');
    const endedAt = Date.now();
    const { event, seenAt } = await reported(request.attempt_id, 10_000);
    expect(event.outcome).toBe('completed');
    expect(seenAt - endedAt).toBeGreaterThanOrEqual(VERDICT_WAIT_SECONDS * 1000 - 300);
    // The late verdict arrives, is accepted (204) and changes nothing.
    await waitFor(
      async () => twilio.callbacksOf(callTo('+14155550405')[0].sid).some((c) => c.params.AnsweredBy),
      10_000,
      'late verdict sent',
    );
    expect(twilio.callbacksOf(callTo('+14155550405')[0].sid).find((c) => c.params.AnsweredBy)!.status).toBe(204);
    await waitFor(
      async () =>
        (await metric('outdial_provider_events_ignored_total', 'kind="amd_verdict",reason="too_late"')) ===
        ignoredBefore + 1,
      5000,
      'late verdict counted',
    );
    expect(await attemptRow(request.attempt_id)).toMatchObject({
      outcome: 'completed',
      answered_by: null,
      report_held_until: null,
    });
    expect(await finishedEvents(request.attempt_id)).toHaveLength(1);
  });

  it('an unanswered call is reported at once (no verdict is owed)', async () => {
    twilio.script('+14155550406', { final: 'busy' });
    const request = await dial('+14155550406');
    const started = Date.now();
    const { event, seenAt } = await reported(request.attempt_id);
    expect(event.outcome).toBe('busy');
    expect(seenAt - started).toBeLessThan(VERDICT_WAIT_SECONDS * 1000);
  });

  it("honours the agent's machine_detection: off asks for no AMD and completed is reported at once", async () => {
    twilio.script('+14155550407', { final: 'completed', durationSeconds: 12, answeredBy: 'machine_start' });
    const request = await dial('+14155550407', 'agent-amd-off');
    const started = Date.now();
    const { event, seenAt } = await reported(request.attempt_id);
    expect(event.outcome).toBe('completed');
    expect(seenAt - started).toBeLessThan(VERDICT_WAIT_SECONDS * 1000);
    const params = Object.fromEntries(callTo('+14155550407')[0].params);
    expect(params.StatusCallback).toBe(
      `${gatewayUrl}/api/provider-events/twilio?attempt_id=${encodeURIComponent(request.attempt_id)}`,
    );
    for (const name of ['MachineDetection', 'AsyncAmd', 'AsyncAmdStatusCallback', 'MachineDetectionTimeout'])
      expect(params).not.toHaveProperty(name);
  });

  it('honours detect_message_end with its timeout', async () => {
    twilio.script('+14155550408', {
      final: 'completed',
      durationSeconds: 40,
      answeredBy: 'machine_end_beep',
      verdictAfterCompletedMs: 50,
    });
    const request = await dial('+14155550408', 'agent-amd-beep');
    expect((await reported(request.attempt_id)).event.outcome).toBe('voicemail');
    expect(Object.fromEntries(callTo('+14155550408')[0].params)).toMatchObject({
      MachineDetection: 'DetectMessageEnd',
      MachineDetectionTimeout: '45',
      AsyncAmd: 'true',
    });
  });

  it('ends the attempt agent_error, without a call, on a machine_detection value it does not know', async () => {
    const request = await dial('+14155550409', 'agent-amd-bad');
    const { event } = await reported(request.attempt_id);
    expect(event).toMatchObject({ outcome: 'agent_error' });
    expect(event.failure_reason).toMatch(/machine_detection must be one of off, detect, detect_message_end/);
    expect(callTo('+14155550409')).toHaveLength(0);
  });

  it('hangup_on_machine: a machine verdict during the call hangs it up at Twilio; the call ends voicemail', async () => {
    twilio.script('+14155550410', {
      final: 'completed',
      durationSeconds: 60,
      answeredBy: 'machine_start',
      machineDetectionMs: 1800,
      talkMs: 8000,
    });
    const hangupsBefore = await metric('outdial_machine_hangups_total', 'result="done"');
    const started = Date.now();
    const request = await dial('+14155550410', 'agent-amd-hangup');
    const { event, seenAt } = await reported(request.attempt_id);
    expect(event.outcome).toBe('voicemail');
    // Well before the 8 s the machine would have been talked to.
    expect(seenAt - started).toBeLessThan(4000);
    const sid = callTo('+14155550410')[0].sid;
    expect(twilio.updates.filter((u) => u.sid === sid)).toEqual([
      { sid, params: { Status: 'completed' }, status: 200 },
    ]);
    expect(await attemptRow(request.attempt_id)).toMatchObject({
      hangup_on_machine: true,
      answered_by: 'machine_start',
    });
    expect(await metric('outdial_machine_hangups_total', 'result="done"')).toBe(hangupsBefore + 1);
  });

  it('hangup_on_machine: a human is never hung up on', async () => {
    twilio.script('+14155550411', { final: 'completed', durationSeconds: 20, answeredBy: 'human', talkMs: 300 });
    const request = await dial('+14155550411', 'agent-amd-hangup');
    expect((await reported(request.attempt_id)).event).toMatchObject({ outcome: 'completed', duration_seconds: 20 });
    expect(twilio.updates.filter((u) => u.sid === callTo('+14155550411')[0].sid)).toEqual([]);
  });

  it("verifies the verdict callback's X-Twilio-Signature: a forged verdict is refused (401) and publishes nothing", async () => {
    const path = '/api/provider-events/twilio?attempt_id=amd-none%3A1&amd=async';
    const form = {
      AccountSid: ACCOUNT_SID,
      CallSid: 'CAforged',
      AnsweredBy: 'machine_end_beep',
      MachineDetectionDuration: '2300',
    };
    const before = (await h.streamState('PROVIDER')).last_seq;
    const post = (signature: string) =>
      fetch(`${gatewayUrl}${path}`, {
        method: 'POST',
        body: new URLSearchParams(form).toString(),
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': signature },
      });
    expect((await post(signTwilio('not-the-token', `${gatewayUrl}${path}`, form))).status).toBe(401);
    // The same verdict signed for a URL without amd=async does not validate for this one either.
    expect(
      (await post(signTwilio(AUTH_TOKEN, `${gatewayUrl}/api/provider-events/twilio?attempt_id=amd-none%3A1`, form)))
        .status,
    ).toBe(401);
    await sleep(200);
    expect((await h.streamState('PROVIDER')).last_seq).toBe(before);
    expect((await post(signTwilio(AUTH_TOKEN, `${gatewayUrl}${path}`, form))).status).toBe(204);
  });
});
