import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { AGENT_KINDS, MEMBER_ROLES, MemberRole, ProviderName, PROVIDERS } from '@outdial/contracts';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';

import { AGENT_ID_PATTERN, E164_PATTERN, ORG_LIMITS, VARIABLE_NAME_PATTERN } from '../../domain/directory-rules';

/**
 * A PATCH field that may be left out, but not sent as `null`: unlike `@IsOptional()` (which skips
 * null too), a null runs the field's validators and is refused with 400 `validation_failed`
 * (`{"circuit_breaker": null}` used to be accepted and change nothing).
 */
function IsAbsentOrValid(): PropertyDecorator {
  return ValidateIf((_object: object, value: unknown) => value !== undefined);
}

// ---------- agents ----------

export class CreateAgentBody {
  @ApiPropertyOptional({
    description: 'Agent id, unique in the org (generated when omitted).',
    example: 'sales-bot',
    pattern: AGENT_ID_PATTERN.source,
  })
  @IsOptional()
  @IsString()
  @Matches(AGENT_ID_PATTERN, {
    message: 'agent_id must be 1-100 of letters, digits, ".", "_", "-", starting with a letter or digit',
  })
  agent_id?: string;

  @ApiProperty({ example: 'Sales bot', minLength: 1, maxLength: 200 })
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiPropertyOptional({ enum: AGENT_KINDS, default: 'voice', description: 'Only voice agents can place calls.' })
  @IsOptional()
  @IsIn(AGENT_KINDS as unknown as string[])
  kind?: 'voice' | 'text';

  @ApiPropertyOptional({ enum: PROVIDERS, default: 'simulated' })
  @IsOptional()
  @IsIn(PROVIDERS as unknown as string[])
  provider?: ProviderName;

  @ApiPropertyOptional({
    type: [String],
    description: 'Variables the agent expects (contact columns).',
    example: ['first_name', 'plan'],
  })
  @IsOptional()
  @IsString({ each: true })
  @Matches(VARIABLE_NAME_PATTERN, {
    each: true,
    message: 'each variable must be an identifier (letters, digits, _), at most 64 characters',
  })
  @ArrayMaxSize(100)
  @ArrayUnique()
  variables?: string[];

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description:
      'Provider config. `http` agents need `endpoint_url` (no secrets). Voice-agent platforms need `api_key` plus their own ids: vapi `assistant_id`, `phone_number_id`; retell `agent_id` (`from_number` optional); elevenlabs `agent_id`, `agent_phone_number_id`; bland `pathway_id` or `task` (`voice` optional); bolna `agent_id`. Optional for all platforms: `webhook_secret`, `max_concurrent_calls`. `api_key` and `webhook_secret` are stored encrypted and never returned.',
    example: {
      assistant_id: 'asst_123',
      phone_number_id: 'pn_456',
      api_key: 'vapi-private-key',
      max_concurrent_calls: 10,
    },
  })
  @IsOptional()
  @IsObject()
  config?: Record<string, unknown>;
}

export class UpdateAgentBody {
  @ApiPropertyOptional({ minLength: 1, maxLength: 200 })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  name?: string;

  @ApiPropertyOptional({ enum: AGENT_KINDS })
  @IsOptional()
  @IsIn(AGENT_KINDS as unknown as string[])
  kind?: 'voice' | 'text';

  @ApiPropertyOptional({ enum: PROVIDERS })
  @IsOptional()
  @IsIn(PROVIDERS as unknown as string[])
  provider?: ProviderName;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsString({ each: true })
  @Matches(VARIABLE_NAME_PATTERN, {
    each: true,
    message: 'each variable must be an identifier (letters, digits, _), at most 64 characters',
  })
  @ArrayMaxSize(100)
  @ArrayUnique()
  variables?: string[];

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'Replaces the whole config; stored secrets (api_key, webhook_secret) are kept unless given again.',
  })
  @IsOptional()
  @IsObject()
  config?: Record<string, unknown>;
}

export class AgentView {
  @ApiProperty() agent_id: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: AGENT_KINDS }) kind: 'voice' | 'text';
  @ApiProperty({ enum: PROVIDERS }) provider: string;
  @ApiProperty({ type: [String] }) variables: string[];
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The provider config without its secrets.' })
  config: Record<string, unknown>;
  @ApiProperty({
    type: [String],
    description: 'Which provider secrets are stored (api_key, webhook_secret); their values are never returned.',
    example: ['api_key'],
  })
  secrets_set: string[];
  @ApiPropertyOptional({
    description: "Voice-agent platforms: the URL to register as the platform's webhook / server URL for this agent.",
  })
  webhook_url?: string;
  @ApiProperty({ description: 'Grows by one on every change.' }) version: number;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
}

export class AgentList {
  @ApiProperty({ type: [AgentView] }) items: AgentView[];
  @ApiProperty() total: number;
  @ApiProperty() page: number;
  @ApiProperty() page_size: number;
}

// ---------- phone numbers ----------

export class CreatePhoneNumberBody {
  @ApiProperty({ description: 'E.164 caller number', example: '+12025550123', pattern: E164_PATTERN.source })
  @IsString()
  @Matches(E164_PATTERN, {
    message: 'number must be E.164: "+", country code and number, 8-15 digits, e.g. +12025550123',
  })
  number: string;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  outbound_enabled?: boolean;

  @ApiPropertyOptional({ enum: PROVIDERS, default: 'simulated' })
  @IsOptional()
  @IsIn(PROVIDERS as unknown as string[])
  provider?: ProviderName;
}

export class UpdatePhoneNumberBody {
  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  outbound_enabled?: boolean;

  @ApiPropertyOptional({ enum: PROVIDERS })
  @IsOptional()
  @IsIn(PROVIDERS as unknown as string[])
  provider?: ProviderName;
}

export class PhoneNumberView {
  @ApiProperty({ example: '+12025550123' }) number: string;
  @ApiProperty() outbound_enabled: boolean;
  @ApiProperty({ enum: PROVIDERS }) provider: string;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
}

export class PhoneNumberList {
  @ApiProperty({ type: [PhoneNumberView] }) items: PhoneNumberView[];
  @ApiProperty() total: number;
  @ApiProperty() page: number;
  @ApiProperty() page_size: number;
}

// ---------- tokens ----------

export class CreateTokenBody {
  @ApiProperty({ enum: MEMBER_ROLES, description: 'owner: everything; admin: create and act; member: read only.' })
  @IsIn(MEMBER_ROLES as unknown as string[])
  role: MemberRole;

  @ApiProperty({ example: 'ci pipeline', minLength: 1, maxLength: 200 })
  @IsString()
  @Length(1, 200)
  name: string;
}

export class TokenView {
  @ApiProperty() token_id: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: MEMBER_ROLES }) role: MemberRole;
  @ApiProperty({ nullable: true, type: String, description: 'Last characters of the token, to tell tokens apart.' })
  token_hint: string | null;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) revoked_at: string | null;
}

export class CreatedToken extends TokenView {
  @ApiProperty({ description: 'The secret. Shown only in this response; only its hash is stored.' }) token: string;
}

export class TokenList {
  @ApiProperty({ type: [TokenView] }) items: TokenView[];
  @ApiProperty() total: number;
  @ApiProperty() page: number;
  @ApiProperty() page_size: number;
}

// ---------- org ----------

/**
 * The org's auto-pause rule (SPEC §4): a batch pauses itself when `failure_ratio` or more of at
 * least `min_attempts` attempts ended in the last `window_seconds` failed for system reasons
 * (agent_error, carrier_error), or after `consecutive_agent_errors` agent errors in a row.
 */
export class CircuitBreakerPatch {
  @ApiPropertyOptional({ description: 'false: batches never pause themselves' })
  @IsAbsentOrValid()
  @IsBoolean()
  enabled?: boolean;
  @ApiPropertyOptional({ minimum: 1, maximum: 10_000, default: 20 })
  @IsAbsentOrValid()
  @IsInt()
  @Min(1)
  @Max(10_000)
  min_attempts?: number;
  @ApiPropertyOptional({ minimum: 0.01, maximum: 1, default: 0.5 })
  @IsAbsentOrValid()
  @IsNumber()
  @Min(0.01)
  @Max(1)
  failure_ratio?: number;
  @ApiPropertyOptional({ minimum: 10, maximum: 86_400, default: 120 })
  @IsAbsentOrValid()
  @IsInt()
  @Min(10)
  @Max(86_400)
  window_seconds?: number;
  @ApiPropertyOptional({ minimum: 1, maximum: 10_000, default: 10 })
  @IsAbsentOrValid()
  @IsInt()
  @Min(1)
  @Max(10_000)
  consecutive_agent_errors?: number;
}

export class CircuitBreakerView {
  @ApiProperty() enabled: boolean;
  @ApiProperty() min_attempts: number;
  @ApiProperty() failure_ratio: number;
  @ApiProperty() window_seconds: number;
  @ApiProperty() consecutive_agent_errors: number;
}

export class UpdateOrgBody {
  @ApiPropertyOptional({ minLength: 1, maxLength: 200 })
  @IsAbsentOrValid()
  @IsString()
  @Length(1, 200)
  name?: string;

  @ApiPropertyOptional({
    minimum: ORG_LIMITS.maxConcurrentCalls.min,
    maximum: ORG_LIMITS.maxConcurrentCalls.max,
    description: 'Calls in progress at once across all batches of the org.',
  })
  @IsAbsentOrValid()
  @IsInt()
  @Min(ORG_LIMITS.maxConcurrentCalls.min)
  @Max(ORG_LIMITS.maxConcurrentCalls.max)
  max_concurrent_calls?: number;

  @ApiPropertyOptional({
    minimum: ORG_LIMITS.callsPerSecond.min,
    maximum: ORG_LIMITS.callsPerSecond.max,
    description: 'New calls started per second across the org.',
  })
  @IsAbsentOrValid()
  @IsNumber({ allowNaN: false, allowInfinity: false, maxDecimalPlaces: 3 })
  @Min(ORG_LIMITS.callsPerSecond.min)
  @Max(ORG_LIMITS.callsPerSecond.max)
  calls_per_second?: number;

  @ApiPropertyOptional({ description: "Only call 08:00-21:00 in the contact's local time (SPEC §3)." })
  @IsAbsentOrValid()
  @IsBoolean()
  compliance_guard?: boolean;

  @ApiPropertyOptional({
    type: () => CircuitBreakerPatch,
    description: 'When batches pause themselves (SPEC §4 auto-pause); the fields sent replace the current ones.',
  })
  @IsAbsentOrValid()
  @IsObject()
  @ValidateNested()
  @Type(() => CircuitBreakerPatch)
  circuit_breaker?: CircuitBreakerPatch;
}

export class OrgView {
  @ApiProperty() org_id: string;
  @ApiProperty() name: string;
  @ApiProperty() max_concurrent_calls: number;
  @ApiProperty() calls_per_second: number;
  @ApiProperty() compliance_guard: boolean;
  @ApiProperty({ type: () => CircuitBreakerView }) circuit_breaker: CircuitBreakerView;
  @ApiProperty({ description: 'Grows by one on every change.' }) version: number;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
  @ApiProperty({ enum: MEMBER_ROLES, description: 'Role of the token that asked.' }) your_role: MemberRole;
}
