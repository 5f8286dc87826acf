import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsNotEmpty,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Min,
  ValidateNested,
} from 'class-validator';

import { CircuitBreakerSettings } from './circuit-breaker';
import { DomainEvent } from './common';

/** The org directory the gateway owns and broadcasts: org settings and agents (latest version wins). */

export const ORG_LIMIT_DEFAULTS = { max_concurrent_calls: 5, calls_per_second: 1, compliance_guard: true } as const;

/**
 * An org's limits and compliance settings (SPEC §6, §3). The gateway owns orgs and publishes this on
 * every change and, for every org, when it starts; consumers keep the highest `version`.
 */
export class OrgSettingsChangedEvent extends DomainEvent {
  @IsInt() @Min(1) max_concurrent_calls: number;
  @IsNumber() @Min(0.001) calls_per_second: number;
  /** 08:00-21:00 local-time guard on calling windows (SPEC §3); false only when the org disabled it. */
  @IsBoolean() compliance_guard: boolean;
  /** When batches pause themselves (SPEC §4 auto-pause); absent from older publishers: the defaults. */
  @IsOptional() @ValidateNested() @Type(() => CircuitBreakerSettings) circuit_breaker?: CircuitBreakerSettings;
  @IsInt() @Min(1) version: number;
  @IsISO8601() at: string;
}

/**
 * An agent was created or changed. The gateway owns agents and publishes this on every change and,
 * for every agent, when it starts; the dialer keeps what it needs to place calls (provider and its
 * non-secret config, e.g. an `http` agent's `endpoint_url`). Secrets stay in each service's env.
 */
export class AgentChangedEvent extends DomainEvent {
  @IsString() @IsNotEmpty() agent_id: string;
  @IsString() name: string;
  @IsIn(['voice', 'text']) kind: 'voice' | 'text';
  @IsString() @IsNotEmpty() provider: string;
  @IsObject() config: Record<string, unknown>;
  /**
   * The agent's provider secrets (api_key, webhook_secret) sealed with AES-256-GCM under
   * OUTDIAL_SECRETS_KEY (`v1.<iv>.<tag>.<ciphertext>`, base64url): only services holding that key
   * can open it; the plaintext never travels.
   */
  @IsOptional() @IsString() sealed_secrets?: string;
  @IsBoolean() deleted: boolean;
  @IsInt() @Min(1) version: number;
  @IsISO8601() at: string;
}
