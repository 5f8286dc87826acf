import { Type } from 'class-transformer';
import {
  ArrayNotEmpty,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsNotEmpty,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';

import { DomainEvent } from './common';
import { CALL_OUTCOMES, CallOutcome, ProviderName, PROVIDERS } from './statuses';

/**
 * Dialing: the scheduler's dial requests, the dialer's call started/finished/declined events and the
 * providers' verified status callbacks.
 */

/**
 * The contact's calling window as the dialer re-checks it right before dialing (SPEC §3): open
 * from `start_hour` to `end_hour` (exclusive; 24 = midnight) local time on `weekdays`, in EVERY
 * zone of `zones` (a number that may be in several zones is called only while all are open).
 */
export class DialCallingWindow {
  @IsInt() @Min(0) @Max(24) start_hour: number;
  @IsInt() @Min(0) @Max(24) end_hour: number;
  /** ISO weekdays, 1 = Monday ... 7 = Sunday. */
  @IsArray() @IsInt({ each: true }) @Min(1, { each: true }) @Max(7, { each: true }) weekdays: number[];
  /** IANA zones, at least one. */
  @IsArray() @ArrayNotEmpty() @IsString({ each: true }) @IsNotEmpty({ each: true }) zones: string[];
}

export class DialRequest extends DomainEvent {
  @IsString() @IsNotEmpty() attempt_id: string;
  @IsString() @IsNotEmpty() batch_id: string;
  @IsString() @IsNotEmpty() contact_id: string;
  @IsInt() @Min(1) attempt: number;
  @IsString() @IsNotEmpty() phone: string;
  @IsString() from_number: string;
  @IsString() @IsNotEmpty() agent_id: string;
  @IsIn(PROVIDERS) provider: ProviderName;
  @IsObject() variables: Record<string, string>;
  @IsInt() @Min(1) timeout_seconds: number;
  @IsISO8601() requested_at: string;
  /** The batch's `concurrency`: the dialer holds it as a second limit beside the org's. */
  @IsOptional() @IsInt() @Min(1) batch_concurrency?: number;
  /**
   * Do not start the call at or after this instant (the contact's calling window closes, or the
   * batch's `end_time`). Absent: no window applies (e.g. `bypass_call_guardrails`).
   */
  @IsOptional() @IsISO8601() not_after?: string;
  /**
   * The window the dialer checks again itself at the instant it dials (defence in depth beside
   * `not_after`). Absent: no window applies (`bypass_call_guardrails`, or an older scheduler).
   */
  @IsOptional() @ValidateNested() @Type(() => DialCallingWindow) calling_window?: DialCallingWindow;
}

export abstract class AttemptEvent extends DomainEvent {
  @IsString() @IsNotEmpty() attempt_id: string;
  @IsString() @IsNotEmpty() batch_id: string;
  @IsString() @IsNotEmpty() contact_id: string;
  @IsInt() @Min(1) attempt: number;
  @IsIn(PROVIDERS) provider: ProviderName;
}

export class CallStartedEvent extends AttemptEvent {
  @IsString() provider_call_id: string;
  @IsISO8601() started_at: string;
}

/**
 * Why a batch cannot go on (SPEC §4 `failed`): its agent's provider has no credentials configured
 * (`provider_not_configured`), or its agent no longer exists at the dialer (`agent_not_found`).
 */
export const UNRECOVERABLE_REASONS = ['provider_not_configured', 'agent_not_found'] as const;
export type UnrecoverableReason = (typeof UNRECOVERABLE_REASONS)[number];

export class CallFinishedEvent extends AttemptEvent {
  @IsOptional() @IsString() provider_call_id?: string;
  @IsIn(CALL_OUTCOMES) outcome: CallOutcome;
  @IsOptional() @IsISO8601() started_at?: string;
  @IsOptional() @IsISO8601() answered_at?: string;
  @IsISO8601() ended_at: string;
  @IsNumber() @Min(0) duration_seconds: number;
  @IsOptional() @IsString() failure_reason?: string;
  @IsOptional() @IsString() recording_url?: string;
  @IsOptional() @IsString() transcript?: string;
  /** What the voice-agent platform itself charged for the call (its own currency, usually USD), when it says. */
  @IsOptional() @IsNumber() @Min(0) cost?: number;
  /**
   * Set when the attempt failed for a reason no later attempt of the batch can get past (SPEC §4 `failed`):
   * the scheduler then ends the whole batch `failed` instead of dialing the rest of its list.
   */
  @IsOptional() @IsIn(UNRECOVERABLE_REASONS) unrecoverable_reason?: UnrecoverableReason;
}

/**
 * `amd_verdict`: an answering-machine verdict that travels apart from the call's status (Twilio's
 * asynchronous AMD posts it to its own callback, possibly after the call ended).
 */
export const PROVIDER_EVENT_KINDS = ['ringing', 'answered', 'ended', 'amd_verdict'] as const;
export type ProviderEventKind = (typeof PROVIDER_EVENT_KINDS)[number];

/** Who answered, as answering-machine detection says (Twilio's `AnsweredBy` values). */
export const AMD_VERDICTS = [
  'human',
  'machine_start',
  'machine_end_beep',
  'machine_end_silence',
  'machine_end_other',
  'fax',
  'unknown',
] as const;
export type AmdVerdict = (typeof AMD_VERDICTS)[number];

/** A machine or a fax answered: the attempt's outcome is `voicemail` (SPEC §7, twilio). */
export function isMachineVerdict(verdict: string | null | undefined): boolean {
  return verdict === 'fax' || (typeof verdict === 'string' && verdict.startsWith('machine_'));
}

/** A provider's status callback, verified and normalized to SPEC §5 outcomes. */
export class ProviderCallEvent {
  @IsString() @IsNotEmpty() event_id: string;
  @IsIn(PROVIDERS) provider: ProviderName;
  @IsString() @IsNotEmpty() provider_call_id: string;
  /**
   * The attempt the callback is about; empty when the platform's callback does not name it (e.g.
   * ElevenLabs' call-initiation failure): the dialer then finds it by (provider, provider_call_id).
   */
  @IsString() attempt_id: string;
  @IsIn(PROVIDER_EVENT_KINDS) kind: ProviderEventKind;
  @IsOptional() @IsIn(CALL_OUTCOMES) outcome?: CallOutcome;
  @IsISO8601() at: string;
  @IsOptional() @IsNumber() @Min(0) duration_seconds?: number;
  @IsOptional() @IsString() failure_reason?: string;
  @IsOptional() @IsString() recording_url?: string;
  @IsOptional() @IsString() transcript?: string;
  /** The AMD verdict: required on `amd_verdict` events, present on others when the provider sent it. */
  @IsOptional() @IsIn(AMD_VERDICTS) answered_by?: AmdVerdict;
  /** How long detection took (Twilio's MachineDetectionDuration), in milliseconds. */
  @IsOptional() @IsNumber() @Min(0) machine_detection_ms?: number;
  /**
   * On an `ended` event: the call was placed with asynchronous AMD and this event carries no
   * verdict, so the verdict may still come (the dialer holds a `completed` outcome for it).
   */
  @IsOptional() @IsBoolean() awaits_amd_verdict?: boolean;
  /** The platform's own cost of the call, when its callback carries one. */
  @IsOptional() @IsNumber() @Min(0) cost?: number;
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
  @IsIn(DIAL_DECLINE_REASONS) reason: DialDeclineReason;
  @IsISO8601() at: string;
}
