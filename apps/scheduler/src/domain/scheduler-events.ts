import {
  BatchDeletedEvent,
  BatchStatus,
  BatchStatusChangedEvent,
  ContactStatus,
  ContactUpdatedEvent,
  DialCallingWindow,
  DialRequest,
  isFinalContactStatus,
  ProviderName,
  Subjects,
  TypedEvent,
} from '@outdial/contracts';

export interface ContactState {
  contact_id: string;
  batch_id: string;
  org_id: string;
  status: ContactStatus;
  version: number;
  attempts: number;
  last_outcome: string | null;
  next_retry_at: Date | null;
  last_attempt_at: Date | null;
}

/** The scheduler's decision about a contact, for reporting; `version` orders one contact's updates. */
export function contactUpdated(contact: ContactState, at: Date): TypedEvent {
  const payload: ContactUpdatedEvent = {
    event_id: `contact:${contact.contact_id}:v${contact.version}`,
    org_id: contact.org_id,
    batch_id: contact.batch_id,
    contact_id: contact.contact_id,
    version: contact.version,
    status: contact.status,
    final: isFinalContactStatus(contact.status),
    attempts: contact.attempts,
    ...(contact.last_outcome ? { last_outcome: contact.last_outcome as ContactUpdatedEvent['last_outcome'] } : {}),
    ...(contact.next_retry_at ? { next_retry_at: contact.next_retry_at.toISOString() } : {}),
    ...(contact.last_attempt_at ? { last_attempt_at: contact.last_attempt_at.toISOString() } : {}),
    at: at.toISOString(),
  };
  return { subject: Subjects.contactUpdated, payload };
}

export function batchStatusChanged(
  batch: { batch_id: string; org_id: string },
  status: BatchStatus,
  previous: BatchStatus | undefined,
  at: Date,
  reason?: string,
  scheduledStartTime?: Date,
  actor?: string,
): TypedEvent {
  const payload: BatchStatusChangedEvent = {
    event_id: `batch:${batch.batch_id}:${status}:${at.getTime()}`,
    org_id: batch.org_id,
    batch_id: batch.batch_id,
    status,
    ...(previous ? { previous_status: previous } : {}),
    ...(reason ? { reason } : {}),
    ...(actor ? { actor } : {}),
    ...(scheduledStartTime ? { scheduled_start_time: scheduledStartTime.toISOString() } : {}),
    at: at.toISOString(),
  };
  return { subject: Subjects.batchStatusChanged, payload };
}

export interface ReleasedContact {
  contact_id: string;
  phone: string;
  variables: Record<string, string>;
  attempts: number;
  /** Increments on every change of the contact, so each release has its own event id. */
  version: number;
}

export interface BatchDialSettings {
  batch_id: string;
  org_id: string;
  agent_id: string;
  provider: ProviderName;
  from_number: string;
  timeout_seconds: number;
  concurrency: number;
}

/**
 * One dial request per (contact, attempt number): `attempt_id` is what the dialer keys at-most-once
 * on. The event id also carries the contact version: an attempt the dialer declined (nothing dialed)
 * is released again under the same attempt id, and must not be dropped as a duplicate publish.
 * `notAfter`: the dialer must not start the call at or after it (window close, batch end_time).
 * `callingWindow`: the contact's window, which the dialer checks again itself right before dialing.
 */
export function dialRequested(
  batch: BatchDialSettings,
  contact: ReleasedContact,
  at: Date,
  notAfter?: Date | null,
  callingWindow?: DialCallingWindow,
): TypedEvent {
  const attemptId = `${contact.contact_id}:${contact.attempts}`;
  const payload: DialRequest = {
    event_id: `dial:${attemptId}:v${contact.version}`,
    attempt_id: attemptId,
    org_id: batch.org_id,
    batch_id: batch.batch_id,
    contact_id: contact.contact_id,
    attempt: contact.attempts,
    phone: contact.phone,
    from_number: batch.from_number,
    agent_id: batch.agent_id,
    provider: batch.provider,
    variables: contact.variables,
    timeout_seconds: batch.timeout_seconds,
    requested_at: at.toISOString(),
    batch_concurrency: batch.concurrency,
    ...(notAfter ? { not_after: notAfter.toISOString() } : {}),
    ...(callingWindow ? { calling_window: callingWindow } : {}),
  };
  return { subject: Subjects.dialRequested, payload };
}

export function batchDeleted(batch: { batch_id: string; org_id: string }, at: Date): TypedEvent {
  const payload: BatchDeletedEvent = {
    event_id: `batch:${batch.batch_id}:deleted`,
    org_id: batch.org_id,
    batch_id: batch.batch_id,
    at: at.toISOString(),
  };
  return { subject: Subjects.batchDeleted, payload };
}
