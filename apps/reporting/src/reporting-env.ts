import { BaseServiceEnv, EnvInt, EnvNumber } from '@outdial/service-runtime';
import { IsInt, IsNumber, Max, Min } from 'class-validator';

/** The reporting service's configuration, validated once at start-up. */
export class ReportingEnv extends BaseServiceEnv {
  @EnvInt() @IsInt() @Min(0) @Max(65535)
  override HTTP_PORT: number = 8014;

  /** Price of one minute of call time (SPEC §8: actual cost as calls finish). */
  @EnvNumber() @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(0)
  COST_PER_MINUTE: number = 0.09;
}
