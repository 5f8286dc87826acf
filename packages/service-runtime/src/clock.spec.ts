import { clockFromConfig, OffsetClock, SystemClock } from './clock';
import { BaseServiceEnv, ConfigError, loadConfig } from './config';

describe('service clock from the environment (CLOCK_START_AT, CLOCK_OFFSET_MS)', () => {
  it('is the system clock by default', () => {
    expect(clockFromConfig(loadConfig(BaseServiceEnv, {}))).toBeInstanceOf(SystemClock);
  });

  it('CLOCK_START_AT: reads that instant at start, then runs at real speed', () => {
    const realNow = Date.UTC(2026, 10, 29, 20, 0, 0);
    const clock = clockFromConfig(
      loadConfig(BaseServiceEnv, { CLOCK_START_AT: '2026-11-23T16:03:00-03:30' }),
      realNow,
    ) as OffsetClock;
    expect(clock).toBeInstanceOf(OffsetClock);
    expect(clock.offsetMs).toBe(Date.parse('2026-11-23T19:33:00Z') - realNow);
    const before = Date.now();
    const read = clock.nowMs();
    expect(read - clock.offsetMs).toBeGreaterThanOrEqual(before);
    expect(read - clock.offsetMs).toBeLessThanOrEqual(Date.now());
  });

  it('CLOCK_OFFSET_MS: a fixed shift from real time', () => {
    const clock = clockFromConfig(loadConfig(BaseServiceEnv, { CLOCK_OFFSET_MS: '-3600000' }));
    expect(clock).toBeInstanceOf(OffsetClock);
    expect(Math.abs(clock.nowMs() + 3_600_000 - Date.now())).toBeLessThan(50);
  });

  it('refuses both at once', () => {
    expect(() =>
      clockFromConfig(loadConfig(BaseServiceEnv, { CLOCK_START_AT: '2026-11-23T19:33:00Z', CLOCK_OFFSET_MS: '5' })),
    ).toThrow('not both');
  });

  it.each(['2026-11-23T19:33:00', '2026-11-23', 'tomorrow', '2026-13-01T00:00:00Z'])(
    'refuses CLOCK_START_AT=%s (not an instant)',
    (value) => {
      expect(() => loadConfig(BaseServiceEnv, { CLOCK_START_AT: value })).toThrow(ConfigError);
    },
  );

  it('refuses a CLOCK_OFFSET_MS that is not a whole number', () => {
    expect(() => loadConfig(BaseServiceEnv, { CLOCK_OFFSET_MS: '1.5' })).toThrow(ConfigError);
  });
});
