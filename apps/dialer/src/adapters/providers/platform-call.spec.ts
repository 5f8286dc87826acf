import { blandSendCallBody } from './bland/bland-call-provider';
import { bolnaMakeCallBody } from './bolna/bolna-call-provider';
import { PlaceCallRequest } from './call-provider';
import { elevenlabsOutboundCallBody, elevenlabsOutboundCallPath } from './elevenlabs/elevenlabs-call-provider';
import { classifyPlatformFailure, errorMessage } from './platform-call';
import { retellCreateCallBody } from './retell/retell-call-provider';
import { vapiCreateCallBody } from './vapi/vapi-call-provider';

const request = (config: Record<string, unknown>): PlaceCallRequest => ({
  attempt_id: 'c1:2',
  batch_id: 'b1',
  contact_id: 'c1',
  attempt: 2,
  org_id: 'acme',
  agent_id: 'bot',
  from: '+12025550100',
  to: '+14155550101',
  variables: { name: 'Ada', plan: 'gold' },
  agent_config: config,
  agent_secrets: { api_key: 'k' },
});

describe("create-call bodies follow each platform's published request shape", () => {
  it('vapi: assistant, phone number, customer, variableValues, metadata', () => {
    expect(vapiCreateCallBody(request({ assistant_id: 'as', phone_number_id: 'pn' }))).toEqual({
      assistantId: 'as',
      phoneNumberId: 'pn',
      customer: { number: '+14155550101', name: 'Ada' },
      assistantOverrides: { variableValues: { name: 'Ada', plan: 'gold' } },
      metadata: { outdial_attempt_id: 'c1:2', outdial_batch_id: 'b1', outdial_contact_id: 'c1' },
    });
    expect(() => vapiCreateCallBody(request({ assistant_id: 'as' }))).toThrow(/config.phone_number_id/);
  });
  it('retell: the batch caller number unless config.from_number, agent override, dynamic variables', () => {
    expect(retellCreateCallBody(request({ agent_id: 'ag' }))).toMatchObject({
      from_number: '+12025550100',
      to_number: '+14155550101',
      override_agent_id: 'ag',
      retell_llm_dynamic_variables: { name: 'Ada', plan: 'gold' },
    });
    expect(retellCreateCallBody(request({ agent_id: 'ag', from_number: '+14155550000' }))).toMatchObject({
      from_number: '+14155550000',
    });
  });
  it('elevenlabs: dynamic variables (with the attempt id) and the telephony path', () => {
    expect(elevenlabsOutboundCallBody(request({ agent_id: 'ag', agent_phone_number_id: 'ph' }))).toEqual({
      agent_id: 'ag',
      agent_phone_number_id: 'ph',
      to_number: '+14155550101',
      conversation_initiation_client_data: {
        dynamic_variables: { name: 'Ada', plan: 'gold', outdial_attempt_id: 'c1:2' },
      },
    });
    expect(elevenlabsOutboundCallPath(request({}))).toBe('/v1/convai/twilio/outbound-call');
    expect(elevenlabsOutboundCallPath(request({ telephony: 'sip_trunk' }))).toBe('/v1/convai/sip-trunk/outbound-call');
  });
  it('bland: pathway or task, request_data, webhook', () => {
    expect(
      blandSendCallBody(
        request({ pathway_id: 'pw', voice: 'maya' }),
        'https://o.example/api/provider-events/bland?org_id=acme&agent_id=bot',
      ),
    ).toEqual({
      phone_number: '+14155550101',
      pathway_id: 'pw',
      voice: 'maya',
      request_data: { name: 'Ada', plan: 'gold' },
      metadata: { outdial_attempt_id: 'c1:2', outdial_batch_id: 'b1', outdial_contact_id: 'c1' },
      record: true,
      webhook: 'https://o.example/api/provider-events/bland?org_id=acme&agent_id=bot',
    });
    expect(blandSendCallBody(request({ task: 'Say hi' }), 'w')).toMatchObject({ task: 'Say hi' });
    expect(() => blandSendCallBody(request({}), 'w')).toThrow(/pathway_id nor config.task/);
  });
  it('bolna: agent, recipient, user_data with the attempt id', () => {
    expect(bolnaMakeCallBody(request({ agent_id: 'ag' }))).toEqual({
      agent_id: 'ag',
      recipient_phone_number: '+14155550101',
      user_data: { name: 'Ada', plan: 'gold', outdial_attempt_id: 'c1:2' },
    });
  });
});

describe('classifyPlatformFailure', () => {
  it.each([
    [429, '{"message":"Too Many Requests"}', 'retry'],
    [503, 'unavailable', 'retry'],
    [400, '{"message":"Concurrency limit reached for your plan"}', 'retry'],
    [402, '{"error":"concurrent call limit"}', 'retry'],
    [401, '{"message":"Invalid API key"}', 'agent_error'],
    [403, '{"message":"forbidden"}', 'agent_error'],
    [402, '{"message":"Insufficient balance"}', 'agent_error'],
    [400, '{"message":["customer.number must be a valid phone number in the E.164 format"]}', 'invalid_number'],
    [422, '{"detail":[{"loc":["body","to_number"],"msg":"Invalid phone number"}]}', 'invalid_number'],
    [400, '{"status":"error","message":"Number is on the do-not-call list"}', 'blocked'],
    [400, '{"message":"assistantId must be a UUID"}', 'agent_error'],
    [500, 'oops', 'agent_error'],
    [302, 'moved', 'failed'],
  ])('%i %s -> %s', (status, text, expected) => {
    const failure = classifyPlatformFailure('vapi', status, text);
    expect(failure.kind === 'retry' ? 'retry' : failure.outcome).toBe(expected);
  });
  it("reads the error of the platforms' JSON bodies", () => {
    expect(errorMessage('{"detail":[{"loc":["body","agent_id"],"msg":"field required"}]}')).toBe(
      'field required; (body.agent_id)',
    );
    expect(errorMessage('not json')).toBe('not json');
  });
});
