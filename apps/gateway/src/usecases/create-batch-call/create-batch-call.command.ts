import { BATCH_LIMITS, CallTiming, CreateBatchResult, RetryPolicy } from '@outdial/contracts';
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

import { StoredUpload } from '../../adapters/uploads/multipart-upload';
import { AuthContext } from '../../domain/auth-context';

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
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  callback_url?: string;
  @IsOptional() @IsString() @Length(2, 2) default_region?: string;
  @IsOptional() @IsIn(['skip', 'use_as_is']) invalid_phone_handling?: 'skip' | 'use_as_is';
  @IsOptional() @IsInt() priority?: number;
  @IsOptional() @IsBoolean() bypass_call_guardrails?: boolean;
  @IsOptional()
  @IsInt()
  @Min(BATCH_LIMITS.timeoutPerCallSeconds.min)
  @Max(BATCH_LIMITS.timeoutPerCallSeconds.max)
  timeout_per_call_seconds?: number;
  @IsOptional() @IsObject() column_mapping?: Record<string, string>;
}

/**
 * A create (SPEC §3, §9): the caller, its raw settings (checked here against CreateBatchRequest),
 * the contact list already in the object store, and optionally its `Idempotency-Key`.
 */
export interface CreateBatchCallCommand {
  auth: AuthContext;
  settings: Record<string, unknown>;
  upload: StoredUpload;
  /** With a key, a repeat of the same request (route, upload bytes, settings) answers the first one's result. */
  idempotencyKey?: string;
  /** `pending`: created but not started until scheduled (the Bolna-style compatibility create). */
  initialStatus?: 'pending';
}

/** A create's answer; `replayed` when it is the stored answer of an earlier request with the same key. */
export interface CreateBatchCallOutcome {
  result: CreateBatchResult;
  replayed: boolean;
}
