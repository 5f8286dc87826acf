import { BaseServiceEnv, EnvInt, EnvNumber } from '@outdial/service-runtime';
import { IsInt, IsNumber, IsString, Matches, Max, Min } from 'class-validator';

/** The reporting service's configuration, validated once at start-up. */
export class ReportingEnv extends BaseServiceEnv {
  @EnvInt()
  @IsInt()
  @Min(0)
  @Max(65535)
  override HTTP_PORT: number = 8014;

  /** Price of one minute of call time (SPEC §8: actual cost as calls finish). */
  @EnvNumber()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  COST_PER_MINUTE: number = 0.09;

  /** Per-provider prices overriding COST_PER_MINUTE, e.g. `twilio:0.014,http:0.05`. */
  @IsString()
  @Matches(/^(\s*[a-z_]+\s*:\s*\d+(\.\d+)?\s*(,\s*[a-z_]+\s*:\s*\d+(\.\d+)?\s*)*)?$/, {
    message: 'COST_PER_MINUTE_BY_PROVIDER must look like provider:rate,provider:rate',
  })
  COST_PER_MINUTE_BY_PROVIDER: string = '';

  @IsString()
  @Matches(/^[A-Z]{3}$/, { message: 'COST_CURRENCY must be an ISO 4217 code' })
  COST_CURRENCY: string = 'USD';

  /** Live progress: at most one message per batch per this interval (SPEC §8: ~10 a second). */
  @EnvInt()
  @IsInt()
  @Min(10)
  @Max(60_000)
  PROGRESS_INTERVAL_MS: number = 100;

  /** One webhook POST may take this long before it counts as failed. */
  @EnvInt()
  @IsInt()
  @Min(100)
  @Max(120_000)
  WEBHOOK_TIMEOUT_MS: number = 10_000;

  /** Tries per delivery before it is given up (`failed`). */
  @EnvInt()
  @IsInt()
  @Min(1)
  @Max(50)
  WEBHOOK_MAX_ATTEMPTS: number = 10;

  /** Delay after the first failed try; doubles after each further one, up to WEBHOOK_RETRY_MAX_MS. */
  @EnvInt()
  @IsInt()
  @Min(10)
  @Max(86_400_000)
  WEBHOOK_RETRY_BASE_MS: number = 10_000;

  @EnvInt()
  @IsInt()
  @Min(10)
  @Max(86_400_000)
  WEBHOOK_RETRY_MAX_MS: number = 3_600_000;

  /** Deliveries in flight at once (per reporting replica). */
  @EnvInt()
  @IsInt()
  @Min(1)
  @Max(500)
  WEBHOOK_CONCURRENCY: number = 16;

  /** How often the dispatcher looks for due deliveries when nothing woke it. */
  @EnvInt()
  @IsInt()
  @Min(10)
  @Max(60_000)
  WEBHOOK_POLL_MS: number = 500;

  /** Finished webhook deliveries and their tries are kept this long, then pruned (issue 12 §5). */
  @EnvInt()
  @IsInt()
  @Min(1)
  @Max(3650)
  WEBHOOK_HISTORY_RETENTION_DAYS: number = 7;

  /** How often the delivery history is pruned (the first prune runs at start). */
  @EnvInt()
  @IsInt()
  @Min(1000)
  @Max(86_400_000)
  WEBHOOK_HISTORY_PRUNE_INTERVAL_MS: number = 3_600_000;
}
