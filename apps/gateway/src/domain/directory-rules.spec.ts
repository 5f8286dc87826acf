import { agentConfigProblems, E164_PATTERN } from './directory-rules';

describe('directory rules', () => {
  it('an http agent needs an http(s) endpoint_url', () => {
    expect(agentConfigProblems('http', { endpoint_url: 'https://agent.example.com/x' })).toEqual([]);
    expect(agentConfigProblems('http', {}).map((p) => p.field)).toEqual(['config.endpoint_url']);
    expect(agentConfigProblems('http', { endpoint_url: 'javascript:alert(1)' }).map((p) => p.field)).toEqual([
      'config.endpoint_url',
    ]);
    expect(agentConfigProblems('simulated', {})).toEqual([]);
  });

  it("a twilio agent's machine_detection settings are checked, each key named", () => {
    expect(
      agentConfigProblems('twilio', {
        twiml_url: 'https://x.example.com/t',
        machine_detection: 'detect_message_end',
        machine_detection_timeout_seconds: 45,
      }),
    ).toEqual([]);
    expect(agentConfigProblems('twilio', { machine_detection: 'off' })).toEqual([]);
    const problems = agentConfigProblems('twilio', {
      machine_detection: 'Enable',
      machine_detection_timeout_seconds: 90,
    });
    expect(problems.map((p) => p.field)).toEqual([
      'config.machine_detection',
      'config.machine_detection_timeout_seconds',
    ]);
    expect(problems[0].problems[0]).toMatch(/must be one of off, detect, detect_message_end/);
    expect(
      agentConfigProblems('twilio', { machine_detection: 'off', hangup_on_machine: true }).map((p) => p.field),
    ).toEqual(['config.hangup_on_machine']);
    expect(
      agentConfigProblems('twilio', { machine_detection: 'Enable', hangup_on_machine: true }).map((p) => p.field),
    ).toEqual(['config.machine_detection']);
    expect(agentConfigProblems('twilio', { hangup_on_machine: true })).toEqual([]);
    // Only twilio reads them.
    expect(agentConfigProblems('simulated', { machine_detection: 'Enable' })).toEqual([]);
  });

  it('refuses secret-looking keys at any depth, naming their path', () => {
    const problems = agentConfigProblems('twilio', {
      voice: 'alice',
      headers: { Authorization: 'x' },
      nested: [{ client_secret: 'y' }],
      apiKey: 'z',
    });
    expect(problems.map((p) => p.field).sort()).toEqual([
      'config.apiKey',
      'config.headers.Authorization',
      'config.nested[0].client_secret',
    ]);
  });

  it('refuses a config larger than 16 KiB', () => {
    expect(agentConfigProblems('simulated', { blob: 'x'.repeat(17 * 1024) }).map((p) => p.field)).toEqual(['config']);
  });

  it('E.164: plus, no leading zero, 8 to 15 digits', () => {
    for (const ok of ['+12025550100', '+442079460123', '+49301234567'])
      expect([ok, E164_PATTERN.test(ok)]).toEqual([ok, true]);
    for (const bad of ['12025550100', '+02025550100', '+1202555', '+1202555010012345', '+1 202 555 0100'])
      expect([bad, E164_PATTERN.test(bad)]).toEqual([bad, false]);
  });
});
