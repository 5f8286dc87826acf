import { Clock } from '@outdial/service-runtime';

import { DialerEnv } from '../../dialer-env';
import { BlandCallProvider } from './bland/bland-call-provider';
import { BolnaCallProvider } from './bolna/bolna-call-provider';
import { CallProviderError, PlaceCallRequest, ProviderUnavailableError } from './call-provider';
import { ElevenLabsCallProvider } from './elevenlabs/elevenlabs-call-provider';
import { PlatformCallProvider } from './platform-call-provider';
import { RetellCallProvider } from './retell/retell-call-provider';
import { VapiCallProvider } from './vapi/vapi-call-provider';

/** What each platform provider sends and how it reads the answer, with fetch replaced (no I/O). */
const env = {
  VAPI_API_BASE_URL: 'https://vapi.test/',
  RETELL_API_BASE_URL: 'https://retell.test',
  ELEVENLABS_API_BASE_URL: 'https://eleven.test',
  BLAND_API_BASE_URL: 'https://bland.test',
  BOLNA_API_BASE_URL: 'https://bolna.test',
  PUBLIC_BASE_URL: 'https://outdial.test',
  PROVIDER_REQUEST_TIMEOUT_MS: 1000,
} as DialerEnv;
const clock = { now: () => new Date(0), nowMs: () => 0 } as Clock;

const request = (
  config: Record<string, unknown>,
  secrets: Record<string, string> | undefined = { api_key: 'secret-key' },
): PlaceCallRequest => ({
  attempt_id: 'c1:1',
  batch_id: 'b1',
  contact_id: 'c1',
  attempt: 1,
  org_id: 'acme',
  agent_id: 'bot',
  from: '+12025550100',
  to: '+14155550101',
  variables: { name: 'Ada' },
  agent_config: config,
  agent_secrets: secrets,
});

type Case = [PlatformCallProvider, Record<string, unknown>, string, Record<string, string>, Record<string, unknown>];
const cases: Case[] = [
  [
    new VapiCallProvider(env, clock),
    { assistant_id: 'as', phone_number_id: 'pn' },
    'https://vapi.test/call',
    { Authorization: 'Bearer secret-key' },
    { id: 'vapi-call' },
  ],
  [
    new RetellCallProvider(env, clock),
    { agent_id: 'ag' },
    'https://retell.test/v2/create-phone-call',
    { Authorization: 'Bearer secret-key' },
    { call_id: 'retell-call' },
  ],
  [
    new ElevenLabsCallProvider(env, clock),
    { agent_id: 'ag', agent_phone_number_id: 'ph' },
    'https://eleven.test/v1/convai/twilio/outbound-call',
    { 'xi-api-key': 'secret-key' },
    { success: true, conversation_id: 'elevenlabs-call' },
  ],
  [
    new BlandCallProvider(env, clock),
    { task: 'Say hi' },
    'https://bland.test/v1/calls',
    { authorization: 'secret-key' },
    { status: 'success', call_id: 'bland-call' },
  ],
  [
    new BolnaCallProvider(env, clock),
    { agent_id: 'ag' },
    'https://bolna.test/call',
    { Authorization: 'Bearer secret-key' },
    { execution_id: 'bolna-call' },
  ],
];

describe('PlatformCallProvider (vapi, retell, elevenlabs, bland, bolna)', () => {
  const fetchMock = jest.fn();
  const realFetch = global.fetch;
  beforeEach(() => {
    fetchMock.mockReset();
    global.fetch = fetchMock as unknown as typeof fetch;
  });
  afterAll(() => {
    global.fetch = realFetch;
  });
  const answer = (status: number, body: unknown, headers: Record<string, string> = {}) =>
    fetchMock.mockResolvedValueOnce(new Response(JSON.stringify(body), { status, headers }));

  it.each(cases.map((c) => [c[0].name, ...c] as const))(
    '%s: one JSON POST to its create-call URL with its auth header; the call id from its field',
    async (_name, provider, config, url, auth, success) => {
      answer(200, success);
      const placed = await provider.placeCall(request(config));
      expect(placed).toEqual({ provider_call_id: `${provider.name}-call` });
      expect(provider.needsAgentConfig).toBe(true);
      expect(fetchMock).toHaveBeenCalledTimes(1);
      const [calledUrl, init] = fetchMock.mock.calls[0] as [string, RequestInit];
      expect(calledUrl).toBe(url);
      expect(init.method).toBe('POST');
      expect(init.headers).toEqual({
        'Content-Type': 'application/json',
        Accept: 'application/json',
        'User-Agent': 'Outdial-Dialer',
        ...auth,
      });
      expect(JSON.parse(init.body as string)).toBeInstanceOf(Object);
    },
  );

  it.each(cases.map((c) => [c[0].name, ...c] as const))(
    '%s: no api_key is agent_error (unrecoverable: provider_not_configured) before anything is sent',
    async (_name, provider, config) => {
      const error = await provider.placeCall(request(config, {})).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CallProviderError);
      expect(error).toMatchObject({ outcome: 'agent_error', unrecoverable: 'provider_not_configured' });
      expect((error as Error).message).toContain(`no ${provider.name} api_key`);
      expect(fetchMock).not.toHaveBeenCalled();
    },
  );

  it('a 429 gives the admission back with the Retry-After wait; a 2xx without the call id ends agent_error', async () => {
    const [vapi, config] = cases[0];
    answer(429, { message: 'Too Many Requests' }, { 'Retry-After': '3' });
    const retry = await vapi.placeCall(request(config)).catch((error: unknown) => error);
    expect(retry).toBeInstanceOf(ProviderUnavailableError);
    expect((retry as ProviderUnavailableError).retryAfterMs).toBe(3000);
    answer(201, { status: 'queued' });
    const error = await vapi.placeCall(request(config)).catch((e: unknown) => e);
    expect(error).toMatchObject({ outcome: 'agent_error' });
    expect((error as Error).message).toBe('vapi accepted the call without a call id');
  });

  it('a 2xx that says the call failed is a refusal (elevenlabs success:false, bland status:error)', async () => {
    const [eleven, elevenConfig] = cases[2];
    answer(200, { success: false, message: 'Number is on the do-not-call list' });
    await expect(eleven.placeCall(request(elevenConfig))).rejects.toMatchObject({ outcome: 'blocked' });
    const [bland, blandConfig] = cases[3];
    answer(200, { status: 'error', message: 'something odd' });
    const error = await bland.placeCall(request(blandConfig)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CallProviderError);
    expect(error).toMatchObject({ outcome: 'carrier_error' });
  });

  it('bland sends the agent webhook at the gateway', async () => {
    const [bland, config] = cases[3];
    answer(200, { call_id: 'x' });
    await bland.placeCall(request(config));
    const body = JSON.parse((fetchMock.mock.calls[0] as [string, RequestInit])[1].body as string);
    expect(body.webhook).toBe('https://outdial.test/api/provider-events/bland?org_id=acme&agent_id=bot');
  });
});
