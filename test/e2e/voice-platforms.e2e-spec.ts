import { randomBytes } from 'node:crypto';

import { connect, NatsConnection } from '@nats-io/transport-node';

import { FakeBland } from '../support/fake-providers/fake-bland';
import { FakeBolna } from '../support/fake-providers/fake-bolna';
import { FakeElevenLabs } from '../support/fake-providers/fake-elevenlabs';
import { FakePlatform } from '../support/fake-providers/fake-platform';
import { FakeRetell } from '../support/fake-providers/fake-retell';
import { FakeVapi } from '../support/fake-providers/fake-vapi';
import { api, parseCsv, RunningPlatform, startPlatform, waitForBatch } from '../support/platform';
import { setOrgLimits } from './dialer-e2e-helpers';

/**
 * The five voice-agent platforms end to end through the public API: an agent per platform (API key
 * and webhook secret stored sealed), a batch through POST /api/batch-calls, the dialer calling the
 * platform's fake (which follows the published request shape, auth and error bodies), the fake's
 * signed webhooks entering at POST /api/provider-events/{platform}, and the batch reaching
 * `completed` with the right contact statuses, attempts, durations and recording URLs. Along the
 * way: a 429 burst gives admissions back (never a second dial), the agent's max_concurrent_calls
 * holds, duplicate and late webhooks change nothing, and no secret shows up in any event, log
 * line, API response or export.
 */
const PLATFORMS = ['vapi', 'retell', 'elevenlabs', 'bland', 'bolna'] as const;
type Platform = (typeof PLATFORMS)[number];

const secret = (label: string) => `${label}_${randomBytes(12).toString('hex')}`;
const API_KEYS: Record<Platform, string> = Object.fromEntries(PLATFORMS.map((p) => [p, secret(`sk_${p}`)])) as Record<
  Platform,
  string
>;
const WEBHOOK_SECRETS: Record<Platform, string> = Object.fromEntries(
  PLATFORMS.map((p) => [p, secret(`whsec_${p}`)]),
) as Record<Platform, string>;
const AGENT_CONCURRENCY = 2;

const AGENT_CONFIG: Record<Platform, Record<string, unknown>> = {
  vapi: { assistant_id: 'asst_e2e', phone_number_id: 'pn_e2e' },
  retell: { agent_id: 'agent_retell_e2e' },
  elevenlabs: { agent_id: 'agent_el_e2e', agent_phone_number_id: 'phnum_e2e' },
  bland: { pathway_id: 'pw_e2e', voice: 'maya' },
  bolna: { agent_id: 'bolna-agent-e2e' },
};

/** Scripted contacts: phone suffix, outcomes per attempt, talk time, and what must come out. */
const CONTACTS = [
  { n: '01', name: 'Ada', outcomes: ['completed'], seconds: 12, status: 'completed', attempts: 1, recorded: true },
  {
    n: '02',
    name: 'Alan',
    outcomes: ['busy', 'completed'],
    seconds: 7,
    status: 'completed',
    attempts: 2,
    recorded: true,
  },
  { n: '03', name: 'Grace', outcomes: ['voicemail'], seconds: 4, status: 'voicemail', attempts: 1, recorded: true },
  {
    n: '04',
    name: 'Edsger',
    outcomes: ['no_answer'],
    seconds: 0,
    status: 'failed',
    attempts: 2,
    recorded: false,
    last_outcome: 'no_answer',
  },
  {
    n: '05',
    name: 'Barbara',
    outcomes: ['invalid_number'],
    seconds: 0,
    status: 'invalid_number',
    attempts: 1,
    recorded: false,
  },
  { n: '06', name: 'Donald', outcomes: ['completed'], seconds: 5, status: 'completed', attempts: 1, recorded: true },
  { n: '07', name: 'Frances', outcomes: ['completed'], seconds: 6, status: 'completed', attempts: 1, recorded: true },
] as const;

const phoneOf = (platform: Platform, n: string) => `+1415555${PLATFORMS.indexOf(platform) + 1}${n.padStart(3, '0')}`;

describe('voice-agent platforms end to end', () => {
  let platform: RunningPlatform;
  let nc: NatsConnection;
  const events: string[] = [];
  const responses: string[] = [];
  const fakes: Record<Platform, FakePlatform> = {
    vapi: new FakeVapi(API_KEYS.vapi),
    retell: new FakeRetell(API_KEYS.retell),
    elevenlabs: new FakeElevenLabs(API_KEYS.elevenlabs),
    bland: new FakeBland(API_KEYS.bland),
    bolna: new FakeBolna(API_KEYS.bolna),
  };
  const call = async (path: string, init: RequestInit = {}) => {
    const response = await api(platform, path, init);
    responses.push(response.text);
    return response;
  };

  beforeAll(async () => {
    await Promise.all(PLATFORMS.map((p) => fakes[p].start()));
    platform = await startPlatform('voice-platforms', {
      // Two dialer replicas: the agent's concurrency limit and at-most-once dialing hold across them.
      dialerReplicas: 2,
      env: {
        LOG_LEVEL: 'debug',
        OUTDIAL_SECRETS_KEY: randomBytes(32).toString('base64'),
        VAPI_API_BASE_URL: fakes.vapi.url,
        RETELL_API_BASE_URL: fakes.retell.url,
        ELEVENLABS_API_BASE_URL: fakes.elevenlabs.url,
        BLAND_API_BASE_URL: fakes.bland.url,
        BOLNA_API_BASE_URL: fakes.bolna.url,
      },
    });
    nc = await connect({ servers: platform.env.natsUrl });
    const sub = nc.subscribe(`${platform.env.prefix}.>`);
    void (async () => {
      for await (const message of sub) events.push(`${message.subject} ${message.string()}`);
    })();
    await setOrgLimits(platform, { max_concurrent_calls: 50, calls_per_second: 50 });
  }, 120_000);

  afterAll(async () => {
    await nc?.drain().catch(() => undefined);
    await platform?.stop();
    await Promise.all(PLATFORMS.map((p) => fakes[p].stop()));
  });

  it('refuses an agent whose platform config lacks a field, naming it', async () => {
    const response = await call('/api/agents', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        agent_id: 'broken-vapi',
        name: 'x',
        provider: 'vapi',
        config: { assistant_id: 'a', api_key: API_KEYS.vapi },
      }),
    });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('validation_failed');
    expect(response.body.error.details).toEqual([
      { field: 'config.phone_number_id', problems: [expect.stringContaining('phone_number_id')] },
    ]);
  });

  describe.each(PLATFORMS)('%s', (name) => {
    const fake = () => fakes[name];
    const agentId = `agent-${name}`;

    it('an agent with sealed secrets: the API says which are set, never their values', async () => {
      const created = await call('/api/agents', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          agent_id: agentId,
          name: `${name} agent`,
          provider: name,
          variables: ['name', 'plan'],
          config: {
            ...AGENT_CONFIG[name],
            api_key: API_KEYS[name],
            webhook_secret: WEBHOOK_SECRETS[name],
            max_concurrent_calls: AGENT_CONCURRENCY,
          },
        }),
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        provider: name,
        config: { ...AGENT_CONFIG[name], max_concurrent_calls: AGENT_CONCURRENCY },
        secrets_set: ['api_key', 'webhook_secret'],
      });
      expect(created.text).not.toContain(API_KEYS[name]);
      expect(created.body.webhook_url).toBe(
        `${platform.gatewayUrl}/api/provider-events/${name}?org_id=default&agent_id=${agentId}`,
      );
      // What the user sets in the platform's dashboard.
      const f = fake();
      f.webhookUrl =
        name === 'bolna' ? `${created.body.webhook_url}&token=${WEBHOOK_SECRETS.bolna}` : created.body.webhook_url;
      if (f instanceof FakeVapi) f.serverSecret = WEBHOOK_SECRETS.vapi;
      if (f instanceof FakeElevenLabs) f.hmacSecret = WEBHOOK_SECRETS.elevenlabs;
      if (f instanceof FakeBland) f.signingSecret = WEBHOOK_SECRETS.bland;
      // A config sent back without its secrets keeps them.
      const patched = await call(`/api/agents/${agentId}`, {
        method: 'PATCH',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ config: created.body.config }),
      });
      expect(patched.status).toBe(200);
      expect(patched.body.secrets_set).toEqual(['api_key', 'webhook_secret']);
    });

    it('a batch reaches completed with the right statuses, attempts, durations and recordings; nothing dialed twice', async () => {
      const f = fake();
      for (const c of CONTACTS) f.script(phoneOf(name, c.n), { outcomes: [...c.outcomes], durationSeconds: c.seconds });
      // A burst of 429s ("concurrency limit reached"): each gives the admission back, the calls come later.
      for (let i = 0; i < 3; i++) f.failNext(429, 'Concurrency limit reached', { 'Retry-After': '1' });
      const created = await call('/api/batch-calls', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          agent_id: agentId,
          name: `${name} e2e`,
          concurrency: 5,
          max_attempts: 2,
          retry_policy: { retry_on: ['busy', 'no_answer'], delays_seconds: [1] },
          bypass_call_guardrails: true,
          calls: CONTACTS.map((c) => ({ phone_number: phoneOf(name, c.n), name: c.name, plan: `plan-${c.n}` })),
        }),
      });
      expect(created.status).toBe(201);
      const batchId = created.body.batch_id;
      let status = await waitForBatch(platform, batchId, 'completed', 90_000);
      // The status read model may count the last contact a moment after the batch is completed.
      for (let i = 0; i < 40 && status.pending > 0; i++) {
        await new Promise((r) => setTimeout(r, 100));
        status = (await call(`/api/batch-calls/${batchId}`)).body;
      }
      responses.push(JSON.stringify(status));
      expect(status).toMatchObject({
        total_calls: CONTACTS.length,
        pending: 0,
        completed: CONTACTS.filter((c) => c.status === 'completed').length,
      });

      const contacts = await call(`/api/batch-calls/${batchId}/contacts?page_size=100`);
      const byPhone = new Map<string, any>(contacts.body.items.map((item: any) => [item.phone, item]));
      for (const c of CONTACTS) {
        const item = byPhone.get(phoneOf(name, c.n));
        expect({ n: c.n, status: item.status, attempts: item.attempts }).toEqual({
          n: c.n,
          status: c.status,
          attempts: c.attempts,
        });
        if ('last_outcome' in c) expect(item.last_outcome).toBe(c.last_outcome);
        if (c.status === 'completed' || c.status === 'voicemail')
          expect(Number(item.duration_seconds)).toBeCloseTo(c.seconds, 1);
        if (c.recorded && name !== 'elevenlabs') expect(item.recording_url).toMatch(/^https:\/\//);
        else expect(item.recording_url ?? null).toBeNull();
      }

      // At most once per (contact, attempt): the platform accepted exactly one call per attempt.
      for (const c of CONTACTS) {
        const accepted = f.callsTo(phoneOf(name, c.n));
        const expectedAccepted = c.status === 'invalid_number' ? 0 : c.attempts;
        expect({ n: c.n, accepted: accepted.length }).toEqual({ n: c.n, accepted: expectedAccepted });
        // The contact's variables arrived at the platform, in the platform's own field.
        for (const a of accepted) expect(a.variables).toMatchObject({ name: c.name, plan: `plan-${c.n}` });
      }
      expect(f.refused.filter((r) => r.status === 429)).toHaveLength(3);
      // The agent's own concurrency limit held even though the batch allowed 5.
      expect(f.maxActive).toBeLessThanOrEqual(AGENT_CONCURRENCY);

      // Duplicate and late webhooks were accepted (2xx) and changed nothing: one attempt row per call.
      const calls = await call(`/api/batch-calls/${batchId}/calls?page_size=100`);
      expect(calls.body.total).toBe(CONTACTS.reduce((sum, c) => sum + c.attempts, 0));
      const platformCalls = calls.body.items.filter((i: any) => i.provider_call_id);
      expect(platformCalls.every((i: any) => i.provider === name)).toBe(true);
      expect(new Set(platformCalls.map((i: any) => i.provider_call_id)).size).toBe(platformCalls.length);
      expect(f.webhooks.filter((w) => w.status >= 300)).toEqual([]);
      // The platform's own cost of a call, where its webhook carries one, is the call's cost (USD).
      const platformCost: Partial<Record<Platform, number>> = {
        vapi: 12 * 0.002,
        retell: (12 * 0.2) / 100,
        bland: 12 * 0.0015,
      };
      const first = calls.body.items.find((i: any) => i.phone === phoneOf(name, '01'));
      if (platformCost[name] !== undefined) expect(Number(first.cost)).toBeCloseTo(platformCost[name]!, 4);
      else expect(Number(first.cost)).toBeGreaterThan(0);

      const results = await call(`/api/batch-calls/${batchId}/results?filter=all`);
      expect(results.status).toBe(200);
      const rows = parseCsv(results.text);
      expect(rows.length).toBe(CONTACTS.length + 1);
      if (name !== 'elevenlabs') expect(results.text).toContain('https://');
    }, 120_000);

    it('refuses unsigned, forged and replayed webhooks', async () => {
      const url = `/api/provider-events/${name}?org_id=default&agent_id=${agentId}`;
      const post = (headers: Record<string, string>, body: string, query = '') =>
        fetch(`${platform.gatewayUrl}${url}${query}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', ...headers },
          body,
        });
      const body = JSON.stringify({
        event: 'call_ended',
        message: { type: 'end-of-call-report', timestamp: Date.now() },
        type: 'post_call_transcription',
        call_id: 'x',
        id: 'x',
        status: 'completed',
      });
      expect((await post({}, body)).status).toBe(401);
      const forged: Record<Platform, Record<string, string>> = {
        vapi: { 'X-Vapi-Secret': 'guess' },
        retell: { 'x-retell-signature': `v=${Date.now()},d=${'0'.repeat(64)}` },
        elevenlabs: { 'ElevenLabs-Signature': `t=${Math.floor(Date.now() / 1000)},v0=${'0'.repeat(64)}` },
        bland: { 'X-Webhook-Signature': '0'.repeat(64) },
        bolna: {},
      };
      expect((await post(forged[name], body, name === 'bolna' ? '&token=guess' : '')).status).toBe(401);
      // A captured webhook replayed later (platforms that sign a time): refused as stale.
      const f = fake();
      const delivered = f.webhooks.find((w) => w.status < 300);
      if (name === 'retell' && delivered) {
        const { signRetell } = await import('../support/fake-providers/fake-retell');
        expect(
          (
            await post(
              { 'x-retell-signature': signRetell(API_KEYS.retell, delivered.body, Date.now() - 3_600_000) },
              delivered.body,
            )
          ).status,
        ).toBe(401);
      }
      if (name === 'elevenlabs' && delivered) {
        const { signElevenLabs } = await import('../support/fake-providers/fake-elevenlabs');
        expect(
          (
            await post(
              {
                'ElevenLabs-Signature': signElevenLabs(
                  WEBHOOK_SECRETS.elevenlabs,
                  delivered.body,
                  Math.floor(Date.now() / 1000) - 3600,
                ),
              },
              delivered.body,
            )
          ).status,
        ).toBe(401);
      }
    });
  });

  describe('afterwards', () => {
    it('no API key or webhook secret in any event, log line, API response or export', async () => {
      const agents = await call('/api/agents?page_size=100');
      expect(agents.status).toBe(200);
      // Sanity: the capture saw the traffic it is checked over.
      expect(events.some((e) => e.includes('agent_changed'))).toBe(true);
      expect(events.some((e) => e.includes('call.finished') || e.includes('call_finished'))).toBe(true);
      expect(platform.logs.length).toBeGreaterThan(0);
      for (const value of [...Object.values(API_KEYS), ...Object.values(WEBHOOK_SECRETS)]) {
        expect({ value, inEvents: events.filter((e) => e.includes(value)).length }).toEqual({ value, inEvents: 0 });
        expect({ value, inLogs: platform.logs.filter((l) => l.includes(value)).length }).toEqual({ value, inLogs: 0 });
        expect({ value, inResponses: responses.filter((r) => r.includes(value)).length }).toEqual({
          value,
          inResponses: 0,
        });
      }
    });
  });
});
