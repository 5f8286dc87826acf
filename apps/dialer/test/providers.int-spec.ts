import { createHmac } from 'node:crypto';

import { DialRequest, EventPayload, EventSubject, Subjects } from '@outdial/contracts';

import { FakeTwilio, signTwilio } from '../../../test/support/fake-providers/fake-twilio';
import { FakeVoiceAgent } from '../../../test/support/fake-providers/fake-voice-agent';
import { GatewayDialerHarness, sleep, startGatewayAndDialer, waitFor } from './support/dialer-harness';

/**
 * The http and twilio providers end to end inside one process: the dialer places calls with local
 * fake providers that follow the real API contracts, their signed callbacks enter through the
 * gateway's POST /api/provider-events/{provider}, and the dialer finishes the attempts.
 */
const ACCOUNT_SID = `AC${'0123456789abcdef'.repeat(2)}`;
const AUTH_TOKEN = 'twilio-auth-token-for-tests';
const SIGNING_SECRET = 'http-provider-secret-for-tests';
const ORG = 'org-p';

describe('http and twilio providers through the gateway', () => {
  let h: GatewayDialerHarness;
  let gatewayUrl: string;
  const twilio = new FakeTwilio(ACCOUNT_SID, AUTH_TOKEN);
  const agent = new FakeVoiceAgent(SIGNING_SECRET);

  beforeAll(async () => {
    await Promise.all([twilio.start(), agent.start()]);
    h = await startGatewayAndDialer('providers', {
      HTTP_PROVIDER_SIGNING_SECRET: SIGNING_SECRET,
      TWILIO_ACCOUNT_SID: ACCOUNT_SID,
      TWILIO_AUTH_TOKEN: AUTH_TOKEN,
      TWILIO_API_BASE_URL: twilio.url,
      DIALER_AGENT_WAIT_DELIVERIES: '2',
    });
    gatewayUrl = h.gatewayUrl;
    await h.announce(ORG, { max_concurrent_calls: 100, calls_per_second: 100 }, [
      { agent_id: 'agent-http', provider: 'http', config: { endpoint_url: agent.endpointUrl } },
      { agent_id: 'agent-twilio', provider: 'twilio', config: { twiml_url: 'https://agents.example.com/twiml' } },
    ]);
  });

  afterAll(async () => {
    await h?.close();
    await Promise.all([twilio.stop(), agent.stop()]);
  });

  const now = () => new Date().toISOString();
  const publish = <S extends EventSubject>(subject: S, payload: EventPayload<S>) => h.publish(subject, payload);
  const query = <T = any>(sql: string, params: unknown[] = []) => h.query<T>(sql, params);

  let counter = 0;
  async function dial(provider: 'http' | 'twilio', phone: string): Promise<DialRequest> {
    counter++;
    const request: DialRequest = {
      event_id: `dial-${provider}-${counter}`,
      org_id: ORG,
      attempt_id: `p-${counter}:1`,
      batch_id: 'batch-p',
      contact_id: `p-${counter}`,
      attempt: 1,
      phone,
      from_number: '+12025550100',
      agent_id: provider === 'http' ? 'agent-http' : 'agent-twilio',
      provider,
      variables: { name: 'Ada' },
      timeout_seconds: 60,
      requested_at: now(),
    };
    await publish(Subjects.dialRequested, request);
    return request;
  }

  async function ended(attemptId: string, timeoutMs = 15_000): Promise<Record<string, any>> {
    let row: Record<string, any> | undefined;
    await waitFor(
      async () =>
        (row = (
          await query(`SELECT * FROM dialer.attempts WHERE attempt_id = $1 AND status = 'ended'`, [attemptId])
        )[0]) !== undefined,
      timeoutMs,
      `${attemptId} ended`,
    );
    return row!;
  }

  /** The body of an error answer: `{"error":{"code","message","details"}}`. */
  const errorBody = async (response: Response) =>
    (await response.json()) as { error: { code: string; message: string; details?: unknown } };
  const providerStreamLastSeq = async () => (await h.streamState('PROVIDER')).last_seq;

  describe('http', () => {
    it('POSTs the signed call to the agent endpoint; signed callbacks finish the attempt', async () => {
      agent.script('+14155550201', { outcome: 'completed', durationSeconds: 12, transcript: 'Hello Ada' });
      const request = await dial('http', '+14155550201');
      const row = await ended(request.attempt_id);
      expect(row).toMatchObject({
        outcome: 'completed',
        provider: 'http',
        transcript: 'Hello Ada',
        duration_seconds: 12,
      });
      const [call] = agent.calls.filter((c) => c.body.to === '+14155550201');
      expect(call.body).toEqual({
        call_id: request.attempt_id,
        agent_id: 'agent-http',
        from: '+12025550100',
        to: '+14155550201',
        variables: { name: 'Ada' },
        callback_url: `${gatewayUrl}/api/provider-events/http`,
      });
      expect(row.provider_call_id).toBe(call.providerCallId);
      expect(agent.callbackStatuses.slice(-3)).toEqual([204, 204, 204]);
    });

    it("maps the platform's outcome (voicemail)", async () => {
      agent.script('+14155550202', { outcome: 'voicemail', durationSeconds: 4 });
      expect(await ended((await dial('http', '+14155550202')).attempt_id)).toMatchObject({ outcome: 'voicemail' });
    });

    it('retries after a 503 with Retry-After, dialing once', async () => {
      agent.failNext(503, { 'Retry-After': '1' });
      agent.script('+14155550203', { outcome: 'busy' });
      const before = Date.now();
      const request = await dial('http', '+14155550203');
      expect(await ended(request.attempt_id)).toMatchObject({ outcome: 'busy' });
      expect(Date.now() - before).toBeGreaterThanOrEqual(900);
      expect(agent.calls.filter((c) => c.body.to === '+14155550203')).toHaveLength(1);
    });

    it('ends the attempt agent_error on a 500 and never calls again (it may have been placed)', async () => {
      agent.failNext(500);
      const request = await dial('http', '+14155550204');
      const row = await ended(request.attempt_id);
      expect(row).toMatchObject({ outcome: 'agent_error' });
      expect(row.failure_reason).toMatch(/agent endpoint answered 500/);
      await sleep(500);
      expect(agent.calls.filter((c) => c.body.to === '+14155550204')).toHaveLength(0);
    });

    it('ends an attempt of an agent never announced agent_error after waiting a little, unrecoverable (agent_not_found)', async () => {
      const request: DialRequest = { ...(await dialShape()), agent_id: 'agent-unknown' };
      await publish(Subjects.dialRequested, request);
      expect(await ended(request.attempt_id)).toMatchObject({
        outcome: 'agent_error',
        failure_reason: 'agent agent-unknown is not known to the dialer (never announced, or deleted)',
        unrecoverable_reason: 'agent_not_found',
      });
    });

    async function dialShape(): Promise<DialRequest> {
      counter++;
      return {
        event_id: `dial-x-${counter}`,
        org_id: ORG,
        attempt_id: `px-${counter}:1`,
        batch_id: 'batch-p',
        contact_id: `px-${counter}`,
        attempt: 1,
        phone: '+14155550299',
        from_number: '+12025550100',
        agent_id: 'agent-http',
        provider: 'http',
        variables: {},
        timeout_seconds: 60,
        requested_at: now(),
      };
    }
  });

  describe('twilio', () => {
    it('creates the call with status callbacks and AMD; a human answer completes', async () => {
      twilio.script('+14155550301', { final: 'completed', answeredBy: 'human', durationSeconds: 30 });
      const request = await dial('twilio', '+14155550301');
      const row = await ended(request.attempt_id);
      const [call] = twilio.calls.filter((c) => c.params.get('To') === '+14155550301');
      expect(row).toMatchObject({ outcome: 'completed', provider_call_id: call.sid, duration_seconds: 30 });
      expect(call.sid).toMatch(/^CA[0-9a-f]{32}$/);
      expect(Object.fromEntries(call.params)).toMatchObject({
        To: '+14155550301',
        From: '+12025550100',
        Url: 'https://agents.example.com/twiml?name=Ada', // the contact's variables reach the agent (issue 17)
        StatusCallback: `${gatewayUrl}/api/provider-events/twilio?attempt_id=${encodeURIComponent(request.attempt_id)}&amd=async`,
        StatusCallbackMethod: 'POST',
        MachineDetection: 'Enable',
        AsyncAmd: 'true',
        AsyncAmdStatusCallback: `${gatewayUrl}/api/provider-events/twilio?attempt_id=${encodeURIComponent(request.attempt_id)}&amd=async`,
        AsyncAmdStatusCallbackMethod: 'POST',
      });
      expect(call.params.getAll('StatusCallbackEvent')).toEqual(['initiated', 'ringing', 'answered', 'completed']);
      // Four status callbacks and the AMD verdict, all accepted.
      expect(twilio.callbacks.filter((c) => c.params.CallSid === call.sid).map((c) => c.status)).toEqual([
        204, 204, 204, 204, 204,
      ]);
      expect(row.answered_by).toBe('human');
    });

    it('maps answering machines to voicemail and the other final statuses to SPEC outcomes', async () => {
      const cases: [string, Parameters<FakeTwilio['script']>[1], string][] = [
        ['+14155550302', { final: 'completed', answeredBy: 'machine_start', durationSeconds: 9 }, 'voicemail'],
        ['+14155550303', { final: 'busy' }, 'busy'],
        ['+14155550304', { final: 'no-answer' }, 'no_answer'],
        ['+14155550305', { final: 'failed', sipResponseCode: '404' }, 'invalid_number'],
        ['+14155550306', { final: 'canceled' }, 'failed'],
      ];
      const requests = [];
      for (const [phone, script] of cases) {
        twilio.script(phone, script);
        requests.push(await dial('twilio', phone));
      }
      for (let i = 0; i < cases.length; i++)
        expect([cases[i][0], (await ended(requests[i].attempt_id)).outcome]).toEqual([cases[i][0], cases[i][2]]);
    });

    it('ends an invalid number (21211) invalid_number without a call', async () => {
      const request = await dial('twilio', '+1415');
      const row = await ended(request.attempt_id);
      expect(row).toMatchObject({ outcome: 'invalid_number', provider_call_id: null });
      expect(row.failure_reason).toMatch(/21211/);
    });

    it('retries a 429 with backoff and places the call once', async () => {
      twilio.failNext(429, 20429, 'Too Many Requests', { 'Retry-After': '1' });
      twilio.script('+14155550307', { final: 'busy' });
      const request = await dial('twilio', '+14155550307');
      expect(await ended(request.attempt_id)).toMatchObject({ outcome: 'busy' });
      expect(twilio.calls.filter((c) => c.params.get('To') === '+14155550307')).toHaveLength(1);
    });

    it('ends the attempt carrier_error on a 500 without retrying', async () => {
      twilio.failNext(500, 20500, 'Internal Server Error');
      const request = await dial('twilio', '+14155550308');
      expect(await ended(request.attempt_id)).toMatchObject({ outcome: 'carrier_error' });
      await sleep(300);
      expect(twilio.calls.filter((c) => c.params.get('To') === '+14155550308')).toHaveLength(0);
    });
  });

  describe('the callback route', () => {
    const post = (path: string, body: string, headers: Record<string, string>) =>
      fetch(`${gatewayUrl}${path}`, { method: 'POST', body, headers });

    it('refuses unsigned, forged and stale callbacks and unknown providers, publishing nothing', async () => {
      const seqBefore = await providerStreamLastSeq();
      const body = JSON.stringify({ call_id: 'p-1:1', event: 'ended', outcome: 'completed' });
      const ts = String(Math.floor(Date.now() / 1000));
      const sign = (secret: string, t: string) =>
        `sha256=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
      const json = { 'Content-Type': 'application/json' };

      const unsigned = await post('/api/provider-events/http', body, json);
      expect(unsigned.status).toBe(401);
      expect((await errorBody(unsigned)).error.code).toBe('unauthorized');
      expect(
        (
          await post('/api/provider-events/http', body, {
            ...json,
            'X-Outdial-Timestamp': ts,
            'X-Outdial-Signature': sign('forged', ts),
          })
        ).status,
      ).toBe(401);
      const old = String(Math.floor(Date.now() / 1000) - 301);
      const stale = await post('/api/provider-events/http', body, {
        ...json,
        'X-Outdial-Timestamp': old,
        'X-Outdial-Signature': sign(SIGNING_SECRET, old),
      });
      expect(stale.status).toBe(401);
      expect((await errorBody(stale)).error.message).toMatch(/stale/);

      const url = `${gatewayUrl}/api/provider-events/twilio?attempt_id=p-1%3A1`;
      const form = { CallSid: 'CAforged', CallStatus: 'completed', CallDuration: '5' };
      const forgedTwilio = await post(
        '/api/provider-events/twilio?attempt_id=p-1%3A1',
        new URLSearchParams(form).toString(),
        {
          'Content-Type': 'application/x-www-form-urlencoded',
          'X-Twilio-Signature': signTwilio('not-the-token', url, form),
        },
      );
      expect(forgedTwilio.status).toBe(401);
      const unknown = await post('/api/provider-events/vonage', body, json);
      expect(unknown.status).toBe(404);
      expect((await errorBody(unknown)).error.code).toBe('not_found');

      await sleep(200);
      expect(await providerStreamLastSeq()).toBe(seqBefore);
    });

    it('accepts a correctly signed twilio callback (signature over the public URL) and answers 400 to a signed but malformed one', async () => {
      const url = `${gatewayUrl}/api/provider-events/twilio?attempt_id=p-none%3A1`;
      const form = { CallSid: 'CAsigned', CallStatus: 'ringing' };
      const ok = await post('/api/provider-events/twilio?attempt_id=p-none%3A1', new URLSearchParams(form).toString(), {
        'Content-Type': 'application/x-www-form-urlencoded',
        'X-Twilio-Signature': signTwilio(AUTH_TOKEN, url, form),
      });
      expect(ok.status).toBe(204);
      const bad = { CallSid: 'CAsigned', CallStatus: 'exploded' };
      const malformed = await post(
        '/api/provider-events/twilio?attempt_id=p-none%3A1',
        new URLSearchParams(bad).toString(),
        { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': signTwilio(AUTH_TOKEN, url, bad) },
      );
      expect(malformed.status).toBe(400);
      expect((await errorBody(malformed)).error).toMatchObject({
        code: 'validation_failed',
        details: [{ field: 'CallStatus' }],
      });
    });
  });
});
