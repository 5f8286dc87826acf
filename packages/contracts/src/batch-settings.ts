import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Max,
  Min,
  Validate,
  ValidateNested,
  ValidationArguments,
  ValidatorConstraint,
  ValidatorConstraintInterface,
} from 'class-validator';

import { CALL_OUTCOMES, CallOutcome, DEFAULT_RETRY_ON } from './statuses';

export const BATCH_LIMITS = {
  concurrency: { min: 1, max: 50, default: 5 },
  maxAttempts: { min: 1, max: 10, default: 3 },
  timeoutPerCallSeconds: { min: 10, max: 7200, default: 600 },
  defaultRetryDelaysSeconds: [300, 1800],
} as const;

export class RetryPolicy {
  @IsArray()
  @IsIn(CALL_OUTCOMES, { each: true })
  retry_on: CallOutcome[] = [...DEFAULT_RETRY_ON];

  @IsArray()
  @ArrayMaxSize(20)
  @IsNumber({}, { each: true })
  @Min(0, { each: true })
  delays_seconds: number[] = [...BATCH_LIMITS.defaultRetryDelaysSeconds];

  @IsOptional()
  @IsNumber()
  @Min(1)
  @Max(10)
  backoff_multiplier?: number;

  @IsOptional()
  @IsBoolean()
  retry_on_voicemail?: boolean;
}

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** True for an IANA zone name the runtime knows (Intl throws a RangeError for anything else). */
export function isIanaTimeZone(value: unknown): boolean {
  if (typeof value !== 'string' || value === '') return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

@ValidatorConstraint({ name: 'isZoneOrContact' })
class IsZoneOrContact implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return value === 'contact' || isIanaTimeZone(value);
  }
  defaultMessage(args: ValidationArguments): string {
    return `${args.property} must be an IANA time zone (e.g. America/New_York) or "contact"`;
  }
}

@ValidatorConstraint({ name: 'isAfterStartHour' })
class IsAfterStartHour implements ValidatorConstraintInterface {
  validate(value: unknown, args: ValidationArguments): boolean {
    const start = (args.object as CallTiming).start_hour ?? 9;
    return typeof value !== 'number' || value > start;
  }
  defaultMessage(): string {
    return 'end_hour must be after start_hour (the window is start_hour:00 to end_hour:00 local time, on one day)';
  }
}

export class CallTiming {
  @IsOptional() @IsInt() @Min(0) @Max(23) start_hour?: number;
  @IsOptional() @IsInt() @Min(1) @Max(24) @Validate(IsAfterStartHour) end_hour?: number;
  @IsOptional() @IsArray() @IsIn(WEEKDAYS, { each: true }) days?: Weekday[];
  @IsOptional() @IsBoolean() skip_weekends?: boolean;
  /** An IANA zone, or "contact" (the default): each contact's own zone. */
  @IsOptional() @IsString() @Validate(IsZoneOrContact) timezone?: string;
  @IsOptional() @IsNumber() @Min(0) @Max(3600) delay_between_calls_seconds?: number;
}

/**
 * The settings of one batch as every service sees them once the gateway has validated the
 * request and filled in defaults (SPEC §3).
 */
export class BatchSettings {
  @IsInt()
  @Min(BATCH_LIMITS.concurrency.min)
  @Max(BATCH_LIMITS.concurrency.max)
  concurrency: number = BATCH_LIMITS.concurrency.default;

  @IsInt()
  @Min(BATCH_LIMITS.maxAttempts.min)
  @Max(BATCH_LIMITS.maxAttempts.max)
  max_attempts: number = BATCH_LIMITS.maxAttempts.default;

  @ValidateNested()
  @Type(() => RetryPolicy)
  retry_policy: RetryPolicy = new RetryPolicy();

  @IsInt()
  @Min(BATCH_LIMITS.timeoutPerCallSeconds.min)
  @Max(BATCH_LIMITS.timeoutPerCallSeconds.max)
  timeout_per_call_seconds: number = BATCH_LIMITS.timeoutPerCallSeconds.default;

  @IsOptional() @IsString() scheduled_start_time?: string;
  @IsString() timezone: string = 'UTC';
  @IsOptional() @IsString() end_time?: string;

  @IsOptional()
  @ValidateNested()
  @Type(() => CallTiming)
  call_timing?: CallTiming;

  @IsOptional() @IsString() callback_url?: string;
  @IsString() default_region: string = 'US';
  @IsIn(['skip', 'use_as_is']) invalid_phone_handling: 'skip' | 'use_as_is' = 'skip';
  @IsInt() priority: number = 0;
  @IsBoolean() bypass_call_guardrails: boolean = false;
  @IsOptional() @IsString() campaign_id?: string;
  @IsOptional() @IsString() description?: string;
  @IsOptional() @IsObject() metadata?: Record<string, unknown>;
}
