import {
  AmdVerdict,
  AttemptStatus,
  CallOutcome,
  DialRequest,
  ProviderName,
  UnrecoverableReason,
} from '@outdial/contracts';

/** One attempt (call) as the dialer stores it: a row of the dialer schema's `attempts`. */
export interface AttemptRecord {
  attempt_id: string;
  contact_id: string;
  attempt: number;
  batch_id: string;
  org_id: string;
  provider: ProviderName;
  provider_call_id: string | null;
  status: AttemptStatus;
  outcome: CallOutcome | null;
  requested_at: Date;
  /** When the provider was asked to dial. */
  started_at: Date | null;
  answered_at: Date | null;
  ended_at: Date | null;
  duration_seconds: number | null;
  failure_reason: string | null;
  /** Passed through from providers that record or transcribe (not the simulator). */
  recording_url: string | null;
  transcript: string | null;
  /** The agent the attempt dials with (null for attempts admitted before it was recorded). */
  agent_id?: string | null;
  /** The voice-agent platform's own cost of the call (numeric from PostgreSQL: a string), when it said. */
  cost?: number | string | null;
  /** After this the reaper ends the attempt as `timeout`. */
  lease_expires_at: Date;
  timeout_seconds: number;
  /** The replica (REPLICA_ID) that admitted the attempt, and when. */
  admitted_by: string | null;
  admitted_at: Date | null;
  /** The answering-machine detection verdict, once known (Twilio AnsweredBy). */
  answered_by: AmdVerdict | null;
  /** Hang the call up when a machine or fax verdict comes during it (the agent's `hangup_on_machine`). */
  hangup_on_machine: boolean;
  /** Set while the attempt's call-finished is held for an AMD verdict: released at the latest then. */
  report_held_until: Date | null;
  /** Set when the attempt ended for a reason no later attempt can get past (issue 15). */
  unrecoverable_reason?: UnrecoverableReason | null;
}

/** The columns an attempt is admitted with; the rest fill in as the call goes on. */
export type NewAttempt = Pick<
  AttemptRecord,
  | 'attempt_id'
  | 'contact_id'
  | 'attempt'
  | 'batch_id'
  | 'org_id'
  | 'provider'
  | 'requested_at'
  | 'lease_expires_at'
  | 'timeout_seconds'
> &
  Partial<Pick<AttemptRecord, 'admitted_by' | 'admitted_at' | 'agent_id'>>;

/**
 * The attempt row of a dial request admitted at `admittedAt` by replica `admittedBy`, its slot
 * leased until `leaseExpiresAt` (admission: admittedAt + timeout + DIALER_LEASE_GRACE_SECONDS; an
 * attempt recorded already ended: admittedAt).
 */
export function newAttempt(
  request: DialRequest,
  admission: { admittedAt: Date; admittedBy: string; leaseExpiresAt: Date },
): NewAttempt {
  return {
    attempt_id: request.attempt_id,
    contact_id: request.contact_id,
    attempt: request.attempt,
    batch_id: request.batch_id,
    org_id: request.org_id,
    provider: request.provider,
    agent_id: request.agent_id,
    requested_at: new Date(request.requested_at),
    lease_expires_at: admission.leaseExpiresAt,
    timeout_seconds: request.timeout_seconds,
    admitted_by: admission.admittedBy,
    admitted_at: admission.admittedAt,
  };
}
