import { agentConfigProblems } from './directory-rules';
import { agentWebhookUrl, platformConfigProblems, splitAgentConfig } from './platform-config';

const fields = (problems: { field: string }[]) => problems.map((p) => p.field);

describe('voice-agent platform config', () => {
  it('splits out the secrets of platform agents only', () => {
    expect(splitAgentConfig('vapi', { assistant_id: 'a', api_key: 'k', webhook_secret: 'w' })).toEqual({
      config: { assistant_id: 'a' },
      secrets: { api_key: 'k', webhook_secret: 'w' },
      secretProblems: [],
    });
    expect(splitAgentConfig('vapi', { api_key: 7 }).secretProblems).toEqual([
      { field: 'config.api_key', problems: [expect.any(String)] },
    ]);
    expect(splitAgentConfig('http', { api_key: 'k' }).config).toEqual({ api_key: 'k' });
    // An http agent still may not carry secret-looking keys.
    expect(fields(agentConfigProblems('http', { endpoint_url: 'https://a.example', api_key: 'k' }))).toEqual([
      'config.api_key',
    ]);
  });

  it.each([
    ['vapi', {}, ['config.api_key', 'config.assistant_id', 'config.phone_number_id']],
    ['vapi', { assistant_id: 'a', phone_number_id: 'p' }, []],
    ['retell', { agent_id: '' }, ['config.agent_id']],
    ['retell', { agent_id: 'r', from_number: '555' }, ['config.from_number']],
    ['elevenlabs', { agent_id: 'e' }, ['config.agent_phone_number_id']],
    ['elevenlabs', { agent_id: 'e', agent_phone_number_id: 'p', telephony: 'pots' }, ['config.telephony']],
    ['bland', {}, ['config.api_key', 'config.pathway_id']],
    ['bland', { task: 'Say hi', voice: 'maya' }, []],
    ['bolna', { agent_id: 'b', max_concurrent_calls: 0 }, ['config.max_concurrent_calls']],
    ['bolna', { agent_id: 'b', max_concurrent_calls: 10 }, []],
  ] as const)('%s %j -> %j', (platform, config, expected) => {
    const secrets = Object.keys(config).length === 0 ? {} : { api_key: 'k' };
    expect(fields(platformConfigProblems(platform, config as Record<string, unknown>, secrets))).toEqual(expected);
  });

  it('names the agent in its webhook URL', () => {
    expect(agentWebhookUrl('https://o.example/', 'bolna', 'acme', 'bot 1')).toBe(
      'https://o.example/api/provider-events/bolna?org_id=acme&agent_id=bot%201',
    );
    expect(agentWebhookUrl('https://o.example', 'http', 'acme', 'bot')).toBeUndefined();
  });
});
