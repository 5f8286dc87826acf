import { IsBoolean, IsIn, IsInt, IsISO8601, IsNotEmpty, IsOptional, IsString, Min } from 'class-validator';

import { DomainEvent } from './common';
import { BATCH_STATUSES, BatchStatus, CALL_OUTCOMES, CallOutcome, CONTACT_STATUSES, ContactStatus } from './statuses';

/**
 * Batch lifecycle: actions a user takes (BatchActionCommand, request/reply to the scheduler) and the
 * scheduler's decisions on batches and contacts (status changes, contact updates, deletion).
 */

export class BatchStatusChangedEvent extends DomainEvent {
  @IsString() @IsNotEmpty() batch_id: string;
  @IsIn(BATCH_STATUSES) status: BatchStatus;
  @IsOptional() @IsIn(BATCH_STATUSES) previous_status?: BatchStatus;
  @IsOptional() @IsString() reason?: string;
  /** Who made the change: an API token (`token <id> (<role>)`) or `circuit breaker`; absent for the scheduler's own changes. */
  @IsOptional() @IsString() actor?: string;
  /** Set when the batch was (re)scheduled: its new start. */
  @IsOptional() @IsISO8601() scheduled_start_time?: string;
  @IsISO8601() at: string;
}

/** The scheduler's decision about a contact; `version` orders the updates of one contact. */
export class ContactUpdatedEvent extends DomainEvent {
  @IsString() @IsNotEmpty() batch_id: string;
  @IsString() @IsNotEmpty() contact_id: string;
  @IsInt() @Min(1) version: number;
  @IsIn(CONTACT_STATUSES) status: ContactStatus;
  @IsBoolean() final: boolean;
  @IsInt() @Min(0) attempts: number;
  @IsOptional() @IsIn(CALL_OUTCOMES) last_outcome?: CallOutcome;
  @IsOptional() @IsISO8601() next_retry_at?: string;
  @IsOptional() @IsISO8601() last_attempt_at?: string;
  @IsISO8601() at: string;
}

/** Lifecycle actions a user can take on a batch (SPEC §4). `export` is a read and needs no RPC. */
export const BATCH_ACTIONS = ['pause', 'resume', 'cancel', 'delete', 'reschedule'] as const;
export type BatchAction = (typeof BATCH_ACTIONS)[number];

/** Gateway -> scheduler: apply a lifecycle action. The scheduler owns the state machine. */
export class BatchActionCommand {
  @IsString() @IsNotEmpty() org_id: string;
  @IsString() @IsNotEmpty() batch_id: string;
  @IsIn(BATCH_ACTIONS) action: BatchAction;
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
