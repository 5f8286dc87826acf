import type { BatchStatusView, CallItem, CreateBatchResult } from '@outdial/contracts';

/** Bolna-style batch states (SPEC §9 compatibility routes). */
export type BolnaBatchStatus = 'scheduled' | 'queued' | 'running' | 'paused' | 'completed' | 'stopped';

/**
 * Outdial batch status -> the Bolna-style vocabulary. `pending` (created, not scheduled yet) is
 * `queued`: the batch exists and waits; `failed` and `cancelled` are `stopped` (it will not call
 * anyone any more).
 */
export function bolnaBatchStatus(status: string): BolnaBatchStatus {
  switch (status) {
    case 'scheduled':
      return 'scheduled';
    case 'running':
      return 'running';
    case 'paused':
      return 'paused';
    case 'completed':
      return 'completed';
    case 'failed':
    case 'cancelled':
      return 'stopped';
    case 'pending':
    default:
      return 'queued';
  }
}

export function bolnaBatch(view: BatchStatusView): Record<string, unknown> {
  return {
    batch_id: view.batch_id,
    agent_id: view.agent_id,
    status: bolnaBatchStatus(view.status),
    outdial_status: view.status,
    name: view.name,
    file_name: view.name,
    from_phone_number: view.from_number,
    scheduled_at: view.scheduled_start_time,
    created_at: view.created_at,
    started_at: view.start_time,
    completed_at: view.completed_at,
    total_contacts: view.total_calls,
    execution_status: {
      completed: view.completed,
      failed: view.failed,
      pending: view.pending,
      in_progress: view.in_progress,
    },
    progress_percent: view.progress_percent,
  };
}

/** Attempt outcome -> Bolna-style execution status (`in-progress` while the call is not over). */
export function bolnaExecutionStatus(call: Pick<CallItem, 'outcome' | 'status'>): string {
  switch (call.outcome) {
    case null:
    case undefined:
      return call.status === 'queued' || call.status === 'dialing' ? 'initiated' : 'in-progress';
    case 'completed':
    case 'voicemail':
      return 'completed';
    case 'busy':
      return 'busy';
    case 'no_answer':
    case 'timeout':
      return 'no-answer';
    default:
      return 'failed';
  }
}

export function bolnaExecution(
  call: CallItem,
  batch: Pick<BatchStatusView, 'batch_id' | 'agent_id' | 'from_number'>,
): Record<string, unknown> {
  return {
    id: call.call_id,
    agent_id: batch.agent_id,
    batch_id: batch.batch_id,
    contact_id: call.contact_id,
    attempt: call.attempt,
    status: bolnaExecutionStatus(call),
    outcome: call.outcome,
    answered_by_voice_mail: call.outcome === 'voicemail',
    conversation_time: call.duration_seconds ?? 0,
    total_cost: call.cost ?? 0,
    created_at: call.started_at,
    updated_at: call.ended_at ?? call.answered_at ?? call.started_at,
    telephony_data: {
      to_number: call.phone,
      from_number: batch.from_number,
      duration: call.duration_seconds ?? 0,
      recording_url: call.recording_url ?? null,
      provider: call.provider,
      provider_call_id: call.provider_call_id,
      call_type: 'outbound',
      hangup_reason: call.failure_reason ?? null,
    },
  };
}

/** Trillet-style create answer: camelCase, with the native fields kept beside. */
export function trilletCreated(result: CreateBatchResult): Record<string, unknown> {
  return {
    ...result,
    success: true,
    batchId: result.batch_id,
    totalContacts: result.validation.valid_rows,
  };
}

/** Trillet-style form fields (camelCase) -> the create request's names. Unknown fields pass as they are. */
const TRILLET_FIELDS: Record<string, string> = {
  agentId: 'agent_id',
  fromNumber: 'from_number',
  fromPhoneNumber: 'from_number',
  maxAttempts: 'max_attempts',
  maxRetries: 'max_attempts',
  concurrentCalls: 'concurrency',
  scheduledStartTime: 'scheduled_start_time',
  callbackUrl: 'callback_url',
  campaignId: 'campaign_id',
  batchName: 'name',
};

export function trilletSettings(settings: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(settings)) out[TRILLET_FIELDS[key] ?? key] = value;
  return out;
}

/** ISO 8601 with a time zone (`Z` or ±hh:mm), as the Bolna-style schedule requires. */
export const ISO_WITH_OFFSET =
  /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;

export function isIsoWithOffset(value: string): boolean {
  return ISO_WITH_OFFSET.test(value) && !Number.isNaN(Date.parse(value));
}
