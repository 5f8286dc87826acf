import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  Length,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { BATCH_LIMITS, CallTiming, RetryPolicy } from '@outdial/contracts';
import { ServiceError } from '@outdial/service-runtime';

/** The create request of SPEC §3 as the API user sends it (every setting optional but agent_id). */
export class CreateBatchRequest {
  @IsOptional() @IsString() @Length(1, 200) name?: string;
  @IsOptional() @IsString() @Length(0, 2000) description?: string;
  @IsString() @Length(1, 200) agent_id: string;
  @IsOptional() @IsString() from_number?: string;
  @IsOptional() @IsString() campaign_id?: string;
  @IsOptional() @IsObject() metadata?: Record<string, unknown>;
  @IsOptional() @IsInt() @Min(BATCH_LIMITS.concurrency.min) @Max(BATCH_LIMITS.concurrency.max) concurrency?: number;
  @IsOptional() @IsInt() @Min(BATCH_LIMITS.maxAttempts.min) @Max(BATCH_LIMITS.maxAttempts.max) max_attempts?: number;
  @IsOptional() @ValidateNested() @Type(() => RetryPolicy) retry_policy?: RetryPolicy;
  @IsOptional() @IsISO8601({ strict: true }) scheduled_start_time?: string;
  @IsOptional() @IsString() timezone?: string;
  @IsOptional() @IsISO8601({ strict: true }) end_time?: string;
  @IsOptional() @ValidateNested() @Type(() => CallTiming) call_timing?: CallTiming;
  @IsOptional() @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true }) callback_url?: string;
  @IsOptional() @IsString() @Length(2, 2) default_region?: string;
  @IsOptional() @IsIn(['skip', 'use_as_is']) invalid_phone_handling?: 'skip' | 'use_as_is';
  @IsOptional() @IsInt() priority?: number;
  @IsOptional() @IsBoolean() bypass_call_guardrails?: boolean;
  @IsOptional() @IsInt() @Min(BATCH_LIMITS.timeoutPerCallSeconds.min) @Max(BATCH_LIMITS.timeoutPerCallSeconds.max) timeout_per_call_seconds?: number;
  @IsOptional() @IsObject() column_mapping?: Record<string, string>;
}

const JSON_FIELDS = new Set(['metadata', 'retry_policy', 'call_timing', 'column_mapping']);
const NUMBER_FIELDS = new Set(['concurrency', 'max_attempts', 'priority', 'timeout_per_call_seconds']);
const BOOLEAN_FIELDS = new Set(['bypass_call_guardrails']);

/**
 * Multipart settings arrive as text (SPEC §3): objects and lists as JSON text, numbers and
 * booleans as plain text. A value that cannot be read is a 400 naming the field.
 */
export function formFieldsToRequest(fields: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(fields)) {
    const value = raw.trim();
    if (JSON_FIELDS.has(name)) {
      try {
        out[name] = JSON.parse(value);
      } catch {
        throw new ServiceError('validation_failed', `${name} must be JSON text`, [{ field: name, problems: ['must be JSON text'] }]);
      }
    } else if (NUMBER_FIELDS.has(name)) {
      out[name] = /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
    } else if (BOOLEAN_FIELDS.has(name)) {
      out[name] = value === 'true' ? true : value === 'false' ? false : value;
    } else {
      out[name] = raw;
    }
  }
  return out;
}
