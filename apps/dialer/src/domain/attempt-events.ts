import {
  CallFinishedEvent,
  DialDeclineReason,
  DialRequest,
  EventPayload,
  EventSubject,
  Subjects,
} from '@outdial/contracts';

import { AttemptRecord } from './attempt-record';

/** Event ids derive from the attempt, so a re-enqueued event is dropped by JetStream and consumers. */
export const callStartedEventId = (attemptId: string) => `call-started:${attemptId}`;
export const callFinishedEventId = (attemptId: string) => `call-finished:${attemptId}`;

/** An event of subject S with its payload (what the outbox takes: the runtime's OutboxEvent for S). */
export interface SubjectEvent<S extends EventSubject> {
  subject: S;
  payload: EventPayload<S>;
}

function attemptFields(row: AttemptRecord) {
  return {
    org_id: row.org_id,
    attempt_id: row.attempt_id,
    batch_id: row.batch_id,
    contact_id: row.contact_id,
    attempt: row.attempt,
    provider: row.provider,
  };
}

/** The call-started event of an attempt the provider accepted. */
export function callStartedEvent(row: AttemptRecord): SubjectEvent<typeof Subjects.callStarted> {
  if (!row.provider_call_id || !row.started_at) throw new Error(`attempt ${row.attempt_id} has not started`);
  return {
    subject: Subjects.callStarted,
    payload: {
      event_id: callStartedEventId(row.attempt_id),
      ...attemptFields(row),
      provider_call_id: row.provider_call_id,
      started_at: row.started_at.toISOString(),
    },
  };
}

/**
 * The call-finished event of an ended attempt; optional fields are left out when unknown. Throws
 * for an attempt not ended, or ended with its report held for an AMD verdict (it is reported once,
 * when it settles).
 */
export function callFinishedEvent(row: AttemptRecord): SubjectEvent<typeof Subjects.callFinished> {
  if (row.status !== 'ended' || !row.outcome || !row.ended_at)
    throw new Error(`attempt ${row.attempt_id} has not ended`);
  if (row.report_held_until) throw new Error(`attempt ${row.attempt_id} is held for its AMD verdict`);
  const payload: CallFinishedEvent = {
    event_id: callFinishedEventId(row.attempt_id),
    ...attemptFields(row),
    outcome: row.outcome,
    ended_at: row.ended_at.toISOString(),
    duration_seconds: Math.max(0, row.duration_seconds ?? 0),
  };
  if (row.provider_call_id) payload.provider_call_id = row.provider_call_id;
  if (row.started_at) payload.started_at = row.started_at.toISOString();
  if (row.answered_at) payload.answered_at = row.answered_at.toISOString();
  if (row.failure_reason) payload.failure_reason = row.failure_reason;
  if (row.unrecoverable_reason) payload.unrecoverable_reason = row.unrecoverable_reason;
  if (row.recording_url) payload.recording_url = row.recording_url;
  if (row.transcript) payload.transcript = row.transcript;
  if (row.cost !== null && row.cost !== undefined && Number.isFinite(Number(row.cost))) payload.cost = Number(row.cost);
  return { subject: Subjects.callFinished, payload };
}

/** Talk time from answer to end, in seconds (millisecond precision), 0 when never answered. */
export function talkSeconds(answeredAt: Date | null, endedAt: Date): number {
  if (!answeredAt) return 0;
  return Math.max(0, endedAt.getTime() - answeredAt.getTime()) / 1000;
}

/**
 * The call-declined event of a request admission turned down (batch not running, window closed);
 * nothing was recorded. Declines are per release (requested_at): the scheduler may release the
 * same attempt again later, so the event id carries the release instant.
 */
export function callDeclinedEvent(
  request: DialRequest,
  reason: DialDeclineReason,
  at: Date,
): SubjectEvent<typeof Subjects.callDeclined> {
  return {
    subject: Subjects.callDeclined,
    payload: {
      event_id: `call-declined:${request.attempt_id}:${Date.parse(request.requested_at)}`,
      org_id: request.org_id,
      attempt_id: request.attempt_id,
      batch_id: request.batch_id,
      contact_id: request.contact_id,
      attempt: request.attempt,
      reason,
      at: at.toISOString(),
    },
  };
}
