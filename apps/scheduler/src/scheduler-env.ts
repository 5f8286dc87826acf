import { BaseServiceEnv, EnvInt } from '@outdial/service-runtime';
import { IsInt, Max, Min } from 'class-validator';

export class SchedulerEnv extends BaseServiceEnv {
  @EnvInt()
  @IsInt()
  @Min(0)
  @Max(65535)
  override HTTP_PORT: number = 8012;

  /** How often running batches are looked at for contacts to release. */
  @EnvInt()
  @IsInt()
  @Min(10)
  @Max(60_000)
  SCHEDULER_TICK_MS: number = 200;

  /** Extra time, past a batch's call timeout, before a released contact that never reported back is recovered. */
  @EnvInt()
  @IsInt()
  @Min(0)
  @Max(3600)
  SCHEDULER_RELEASE_GRACE_SECONDS: number = 60;

  /**
   * How long a contacts chunk of a batch this scheduler has not registered is retried (with
   * backoff) before it is dead-lettered as never applicable (its batch_ingested was lost, the
   * database was restored, or the message was forged).
   */
  @EnvInt()
  @IsInt()
  @Min(1)
  @Max(86_400)
  SCHEDULER_UNKNOWN_BATCH_MAX_AGE_SECONDS: number = 600;
}
