import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsObject, IsInt, IsISO8601, IsNotEmpty, IsNumber, IsOptional, IsString, Min, ValidateNested } from 'class-validator';
import { CircuitBreakerSettings } from './circuit-breaker';
import { DomainEvent } from './events';
import { BatchStatus } from './statuses';

/** Lifecycle actions a user can take on a batch (SPEC §4). `export` is a read and needs no RPC. */
export const BATCH_ACTIONS = ['pause', 'resume', 'cancel', 'delete', 'reschedule'] as const;
export type BatchAction = (typeof BATCH_ACTIONS)[number];

/** Gateway -> scheduler: apply a lifecycle action. The scheduler owns the state machine. */
export class BatchActionCommand {
  @IsString() @IsNotEmpty() org_id: string;
  @IsString() @IsNotEmpty() batch_id: string;
  @IsIn(BATCH_ACTIONS as unknown as string[]) action: BatchAction;
  /** reschedule only: the new start, ISO 8601 (an offset-less time is read in `timezone`). */
  @IsOptional() @IsString() scheduled_start_time?: string;
  /** reschedule only: IANA zone for an offset-less `scheduled_start_time` (default UTC). */
  @IsOptional() @IsString() timezone?: string;
  /** Who asked (the API token's id and role), for the batch's activity log. */
  @IsOptional() @IsString() actor?: string;
}

export interface BatchActionResult {
  batch_id: string;
  status: BatchStatus | 'deleted';
  previous_status: BatchStatus;
  scheduled_start_time?: string | null;
  /** The `at` of the status change this action produced (its BatchStatusChangedEvent); absent for delete. */
  status_at?: string;
}

/** The scheduler deleted a batch: every service removes the batch's data. */
export class BatchDeletedEvent extends DomainEvent {
  @IsString() @IsNotEmpty() batch_id: string;
  @IsISO8601() at: string;
}

export const DIAL_DECLINE_REASONS = ['batch_not_running', 'outside_window', 'batch_unknown'] as const;
export type DialDeclineReason = (typeof DIAL_DECLINE_REASONS)[number];

/**
 * The dialer refused a released contact right before dialing (batch no longer running, or the
 * contact's calling window closed). Nothing was dialed and no attempt was recorded, so the scheduler
 * puts the contact back and may release the same attempt number again later.
 */
export class CallDeclinedEvent extends DomainEvent {
  @IsString() @IsNotEmpty() attempt_id: string;
  @IsString() @IsNotEmpty() batch_id: string;
  @IsString() @IsNotEmpty() contact_id: string;
  @IsInt() @Min(1) attempt: number;
  @IsIn(DIAL_DECLINE_REASONS as unknown as string[]) reason: DialDeclineReason;
  @IsISO8601() at: string;
}

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
