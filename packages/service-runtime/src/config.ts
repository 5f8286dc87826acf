import { flattenValidationErrors } from '@outdial/contracts';
import { plainToInstance, Transform } from 'class-transformer';
import {
  getMetadataStorage,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  validateSync,
} from 'class-validator';

/** Parses an environment string as an integer (NaN stays invalid so the validator names it). */
export function EnvInt(): PropertyDecorator {
  return Transform(({ value }) =>
    value === undefined || value === ''
      ? undefined
      : typeof value === 'number'
        ? value
        : /^-?\d+$/.test(String(value).trim())
          ? Number(value)
          : Number.NaN,
  );
}

/** Parses an environment string as a number. */
export function EnvNumber(): PropertyDecorator {
  return Transform(({ value }) =>
    value === undefined || value === '' ? undefined : typeof value === 'number' ? value : Number(String(value).trim()),
  );
}

/** Parses `true/false/1/0/yes/no` (anything else stays a string and fails @IsBoolean). */
export function EnvBool(): PropertyDecorator {
  return Transform(({ value }) => {
    if (value === undefined || value === '') return undefined;
    if (typeof value === 'boolean') return value;
    const v = String(value).trim().toLowerCase();
    if (['true', '1', 'yes'].includes(v)) return true;
    if (['false', '0', 'no'].includes(v)) return false;
    return value;
  });
}

/** Settings every service has. Each service extends it with its own. */
export class BaseServiceEnv {
  @IsString()
  @Matches(/^postgres(ql)?:\/\//, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL: string = 'postgres://postgres@127.0.0.1:5432/outdial';

  @IsString()
  @Matches(/^(nats|tls|wss?):\/\//, { message: 'NATS_URL must be a nats:// URL' })
  NATS_URL: string = 'nats://127.0.0.1:4222';

  /** Subject/stream prefix: tests use their own so runs never collide. */
  @Matches(/^[a-z][a-z0-9_-]{0,31}$/, { message: 'NATS_PREFIX must be 1-32 of [a-z0-9_-], starting with a letter' })
  NATS_PREFIX: string = 'outdial';

  /** Port of the service's HTTP server (health, metrics; the public API on the gateway). 0 = any free port. */
  @EnvInt()
  @IsInt()
  @Min(0)
  @Max(65535)
  HTTP_PORT: number = 0;

  @IsString()
  HTTP_HOST: string = '127.0.0.1';

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL: string = 'info';

  /** How long a graceful shutdown may take before in-flight work is abandoned. */
  @EnvInt()
  @IsInt()
  @Min(100)
  @Max(600_000)
  SHUTDOWN_TIMEOUT_MS: number = 15_000;

  /** Replica index, for logs and metrics (several dialers). */
  @IsString()
  REPLICA_ID: string = '0';

  /**
   * Start the service clock at this instant (ISO 8601 with `Z` or an offset, e.g.
   * `2026-11-23T19:33:00Z`); it then runs at real speed. For demos and tests of time-dependent
   * rules (calling windows, schedules, retries). Every decision on time (windows, retries,
   * schedules, leases, admission) reads this clock. The launcher turns it into one
   * CLOCK_OFFSET_MS for all its processes, so they share one timeline and restarts keep it.
   */
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true })
  @Matches(/(Z|[+-]\d{2}:?\d{2})$/, {
    message: 'CLOCK_START_AT must be an instant: end with Z or a UTC offset such as +02:00',
  })
  CLOCK_START_AT?: string;

  /** The service clock runs this many ms ahead of real time (negative: behind). 0 = real time. Not with CLOCK_START_AT. */
  @EnvInt()
  @IsInt()
  @Min(-100 * 365 * 86_400_000)
  @Max(100 * 365 * 86_400_000)
  CLOCK_OFFSET_MS: number = 0;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Validates the environment once, at start-up, into a typed object. Only the variables the class
 * declares are read; a bad value throws a ConfigError naming each variable and the value seen.
 */
export function loadConfig<T extends object>(
  cls: new () => T,
  env: Record<string, string | undefined> = process.env,
): T {
  const declared = new Set(
    getMetadataStorage()
      .getTargetValidationMetadatas(cls, '', true, false)
      .map((m) => m.propertyName),
  );
  const picked: Record<string, string> = {};
  for (const key of declared) {
    const value = env[key];
    // An empty value (e.g. compose's VAR=${VAR} when unset) means unset: the default applies.
    if (value !== undefined && value !== '') picked[key] = value;
  }
  const config = plainToInstance(cls, picked, { exposeDefaultValues: true });
  const errors = validateSync(config as object, { forbidUnknownValues: false });
  if (errors.length > 0) {
    throw new ConfigError(
      flattenValidationErrors(errors).map(
        (e) => `${e.field}: ${e.problems.join('; ')} (got ${JSON.stringify(picked[e.field] ?? null)})`,
      ),
    );
  }
  return config;
}
