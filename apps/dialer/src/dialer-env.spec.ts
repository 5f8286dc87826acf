import { ConfigError, loadConfig } from '@outdial/service-runtime';

import { DialerEnv } from './dialer-env';

describe('DialerEnv', () => {
  it('has working defaults', () => {
    const env = loadConfig(DialerEnv, {});
    expect(env).toMatchObject({
      HTTP_PORT: 8013,
      SIM_TIME_SCALE: 1,
      SIM_SEED: 'outdial',
      SIM_OUTCOME_WEIGHTS: 'completed:0.6,no_answer:0.15,busy:0.1,voicemail:0.1,failed:0.05',
      SIM_RING_SECONDS: 3,
      SIM_NO_ANSWER_RING_SECONDS: 25,
      SIM_TALK_SECONDS: 30,
      DIALER_REAPER_INTERVAL_MS: 1000,
      DIALER_LEASE_GRACE_SECONDS: 30,
      NATS_PREFIX: 'outdial',
    });
  });

  it('reads numbers from the environment', () => {
    const env = loadConfig(DialerEnv, {
      HTTP_PORT: '0',
      SIM_TIME_SCALE: '0.01',
      SIM_RING_SECONDS: '1.5',
      DIALER_LEASE_GRACE_SECONDS: '0',
    });
    expect(env).toMatchObject({
      HTTP_PORT: 0,
      SIM_TIME_SCALE: 0.01,
      SIM_RING_SECONDS: 1.5,
      DIALER_LEASE_GRACE_SECONDS: 0,
    });
  });

  it.each([
    [{ SIM_TIME_SCALE: '0' }, /SIM_TIME_SCALE/],
    [{ SIM_TIME_SCALE: '-1' }, /SIM_TIME_SCALE/],
    [{ SIM_TIME_SCALE: 'fast' }, /SIM_TIME_SCALE/],
    [{ SIM_OUTCOME_WEIGHTS: 'completed:1,answered:2' }, /SIM_OUTCOME_WEIGHTS: "answered" is not an outcome/],
    [{ SIM_OUTCOME_WEIGHTS: 'busy:0' }, /SIM_OUTCOME_WEIGHTS: the weights sum to 0/],
    [{ DIALER_REAPER_INTERVAL_MS: '1.5' }, /DIALER_REAPER_INTERVAL_MS/],
    [{ DIALER_LEASE_GRACE_SECONDS: '-1' }, /DIALER_LEASE_GRACE_SECONDS/],
  ])('rejects %p, naming the variable', (vars, message) => {
    expect(() => loadConfig(DialerEnv, vars as NodeJS.ProcessEnv)).toThrow(ConfigError);
    expect(() => loadConfig(DialerEnv, vars as NodeJS.ProcessEnv)).toThrow(message);
  });
});
