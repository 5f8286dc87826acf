import { IsBoolean, IsNumber, Max, Min } from 'class-validator';

import { BaseServiceEnv, ConfigError, EnvBool, EnvInt, EnvNumber, loadConfig } from './config';

class FeatureEnv extends BaseServiceEnv {
  @EnvBool()
  @IsBoolean()
  FEATURE_ENABLED: boolean = false;

  @EnvNumber()
  @IsNumber()
  @Min(0)
  @Max(10)
  RATE: number = 1.5;

  @EnvInt()
  @Min(1)
  WORKERS: number = 4;
}

/** Runs `fn`, expects a ConfigError and returns it. */
function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError, nothing was thrown');
}

describe('loadConfig(BaseServiceEnv)', () => {
  it('returns the defaults for an empty environment', () => {
    const config = loadConfig(BaseServiceEnv, {});
    expect(config).toBeInstanceOf(BaseServiceEnv);
    expect({ ...config }).toEqual({
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/outdial',
      NATS_URL: 'nats://127.0.0.1:4222',
      NATS_PREFIX: 'outdial',
      HTTP_PORT: 0,
      HTTP_HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      SHUTDOWN_TIMEOUT_MS: 15_000,
      REPLICA_ID: '0',
      CLOCK_OFFSET_MS: 0,
    });
  });

  // EnvInt/EnvNumber/EnvBool map '' to undefined, i.e. "unset": `HTTP_PORT=` must mean the default.
  it('treats empty strings as unset (default used)', () => {
    const config = loadConfig(BaseServiceEnv, { HTTP_PORT: '', SHUTDOWN_TIMEOUT_MS: '' });
    expect(config.HTTP_PORT).toBe(0);
    expect(config.SHUTDOWN_TIMEOUT_MS).toBe(15_000);
  });

  it('applies valid overrides and parses integers', () => {
    const config = loadConfig(BaseServiceEnv, {
      DATABASE_URL: 'postgresql://u:p@db:5432/x',
      NATS_URL: 'tls://nats.example:4222',
      NATS_PREFIX: 'test-run_7',
      HTTP_PORT: ' 8010 ',
      HTTP_HOST: '0.0.0.0',
      LOG_LEVEL: 'debug',
      SHUTDOWN_TIMEOUT_MS: '100',
      REPLICA_ID: '3',
    });
    expect(config.DATABASE_URL).toBe('postgresql://u:p@db:5432/x');
    expect(config.NATS_URL).toBe('tls://nats.example:4222');
    expect(config.NATS_PREFIX).toBe('test-run_7');
    expect(config.HTTP_PORT).toBe(8010);
    expect(config.HTTP_HOST).toBe('0.0.0.0');
    expect(config.LOG_LEVEL).toBe('debug');
    expect(config.SHUTDOWN_TIMEOUT_MS).toBe(100);
    expect(config.REPLICA_ID).toBe('3');
  });

  it.each([
    ['0', 0],
    ['1', 1],
    ['65535', 65535],
  ])('accepts HTTP_PORT %s', (value, port) => {
    expect(loadConfig(BaseServiceEnv, { HTTP_PORT: value }).HTTP_PORT).toBe(port);
  });

  it.each(['70000', '65536', 'abc', '-1', '80.5', '1e3', '80abc'])(
    'rejects HTTP_PORT %s, naming the variable and the value',
    (value) => {
      const error = configError(() => loadConfig(BaseServiceEnv, { HTTP_PORT: value }));
      expect(error.problems).toHaveLength(1);
      expect(error.problems[0]).toMatch(/^HTTP_PORT: /);
      expect(error.problems[0]).toContain(`(got "${value}")`);
      expect(error.message).toContain('invalid configuration');
      expect(error.message).toContain('HTTP_PORT');
      expect(error.name).toBe('ConfigError');
    },
  );

  it('names the exact problem for an out-of-range port', () => {
    const error = configError(() => loadConfig(BaseServiceEnv, { HTTP_PORT: '70000' }));
    expect(error.problems).toEqual(['HTTP_PORT: HTTP_PORT must not be greater than 65535 (got "70000")']);
  });

  it('checks SHUTDOWN_TIMEOUT_MS at its limits', () => {
    expect(loadConfig(BaseServiceEnv, { SHUTDOWN_TIMEOUT_MS: '600000' }).SHUTDOWN_TIMEOUT_MS).toBe(600_000);
    expect(configError(() => loadConfig(BaseServiceEnv, { SHUTDOWN_TIMEOUT_MS: '99' })).problems[0]).toMatch(
      /^SHUTDOWN_TIMEOUT_MS: .*\(got "99"\)$/,
    );
    expect(configError(() => loadConfig(BaseServiceEnv, { SHUTDOWN_TIMEOUT_MS: '600001' })).problems[0]).toMatch(
      /^SHUTDOWN_TIMEOUT_MS: .*\(got "600001"\)$/,
    );
  });

  it.each(['Outdial', '1abc', 'a.b', 'a'.repeat(33), 'has space'])('rejects NATS_PREFIX "%s"', (value) => {
    const error = configError(() => loadConfig(BaseServiceEnv, { NATS_PREFIX: value }));
    expect(error.problems).toEqual([
      `NATS_PREFIX: NATS_PREFIX must be 1-32 of [a-z0-9_-], starting with a letter (got "${value}")`,
    ]);
  });

  it('accepts a 32-character NATS_PREFIX', () => {
    expect(loadConfig(BaseServiceEnv, { NATS_PREFIX: 'a'.repeat(32) }).NATS_PREFIX).toBe('a'.repeat(32));
  });

  it.each(['mysql://127.0.0.1/outdial', 'localhost:5432', 'http://postgres'])('rejects DATABASE_URL %s', (value) => {
    const error = configError(() => loadConfig(BaseServiceEnv, { DATABASE_URL: value }));
    expect(error.problems).toEqual([`DATABASE_URL: DATABASE_URL must be a postgres:// URL (got "${value}")`]);
  });

  it('rejects a bad NATS_URL and LOG_LEVEL, listing every problem', () => {
    const error = configError(() =>
      loadConfig(BaseServiceEnv, { NATS_URL: 'redis://x', LOG_LEVEL: 'verbose', HTTP_PORT: 'abc' }),
    );
    expect(error.problems.map((p) => p.split(':')[0]).sort()).toEqual(['HTTP_PORT', 'LOG_LEVEL', 'NATS_URL']);
    expect(error.problems.find((p) => p.startsWith('LOG_LEVEL'))).toContain('(got "verbose")');
  });

  it('ignores unrelated environment variables', () => {
    const config = loadConfig(BaseServiceEnv, { PATH: '/usr/bin', HOME: '/root', FEATURE_ENABLED: 'maybe', RATE: 'x' });
    expect(Object.keys(config).sort()).toEqual(
      [
        'CLOCK_OFFSET_MS',
        'CLOCK_START_AT',
        'DATABASE_URL',
        'HTTP_HOST',
        'HTTP_PORT',
        'LOG_LEVEL',
        'NATS_PREFIX',
        'NATS_URL',
        'REPLICA_ID',
        'SHUTDOWN_TIMEOUT_MS',
      ].sort(),
    );
    expect((config as unknown as Record<string, unknown>).PATH).toBeUndefined();
  });
});

describe('loadConfig with a subclass', () => {
  it('reads the inherited and the own variables with defaults', () => {
    const config = loadConfig(FeatureEnv, { HTTP_PORT: '9000' });
    expect(config).toBeInstanceOf(FeatureEnv);
    expect(config.HTTP_PORT).toBe(9000);
    expect(config.NATS_PREFIX).toBe('outdial');
    expect(config.FEATURE_ENABLED).toBe(false);
    expect(config.RATE).toBe(1.5);
    expect(config.WORKERS).toBe(4);
  });

  it.each([
    ['true', true],
    ['TRUE', true],
    [' yes ', true],
    ['1', true],
    ['false', false],
    ['No', false],
    ['0', false],
  ])('parses EnvBool %s', (value, expected) => {
    expect(loadConfig(FeatureEnv, { FEATURE_ENABLED: value }).FEATURE_ENABLED).toBe(expected);
  });

  it.each(['maybe', '2', 'on'])('rejects EnvBool %s naming the variable and value', (value) => {
    const error = configError(() => loadConfig(FeatureEnv, { FEATURE_ENABLED: value }));
    expect(error.problems).toEqual([`FEATURE_ENABLED: FEATURE_ENABLED must be a boolean value (got "${value}")`]);
  });

  it.each([
    ['0', 0],
    ['2.25', 2.25],
    [' 10 ', 10],
  ])('parses EnvNumber %s', (value, expected) => {
    expect(loadConfig(FeatureEnv, { RATE: value }).RATE).toBe(expected);
  });

  it.each(['abc', '-0.1', '10.01'])('rejects EnvNumber %s', (value) => {
    const error = configError(() => loadConfig(FeatureEnv, { RATE: value }));
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatch(/^RATE: /);
    expect(error.problems[0]).toContain(`(got "${value}")`);
  });

  it('reads a variable declared with only a Transform and @Min', () => {
    expect(loadConfig(FeatureEnv, { WORKERS: '8' }).WORKERS).toBe(8);
    expect(configError(() => loadConfig(FeatureEnv, { WORKERS: '0' })).problems).toEqual([
      'WORKERS: WORKERS must not be less than 1 (got "0")',
    ]);
  });
});
