import { BatchAction, BatchStatus, UnrecoverableReason } from '@outdial/contracts';

/** Where each user action is allowed (SPEC §4); anything else is `409 invalid_transition`. */
export const ACTION_MATRIX: Readonly<Record<BatchAction | 'export', readonly BatchStatus[]>> = {
  pause: ['running'],
  resume: ['paused'],
  cancel: ['pending', 'scheduled', 'running', 'paused'],
  delete: ['pending', 'scheduled', 'paused', 'completed', 'failed', 'cancelled'],
  reschedule: ['pending', 'scheduled'],
  export: ['pending', 'scheduled', 'running', 'paused', 'completed', 'failed', 'cancelled'],
};

export type ActionDecision = { allowed: true; next: BatchStatus | 'deleted' } | { allowed: false; reason: string };

/** The status an action leaves a batch in, or why it is not allowed. */
export function decideAction(status: BatchStatus, action: BatchAction | 'export'): ActionDecision {
  if (!ACTION_MATRIX[action].includes(status)) {
    const allowedIn = ACTION_MATRIX[action].join(', ');
    return { allowed: false, reason: `cannot ${action} a ${status} batch (allowed when ${allowedIn})` };
  }
  switch (action) {
    case 'pause':
      return { allowed: true, next: 'paused' };
    case 'resume':
      return { allowed: true, next: 'running' };
    case 'cancel':
      return { allowed: true, next: 'cancelled' };
    case 'delete':
      return { allowed: true, next: 'deleted' };
    case 'reschedule':
      return { allowed: true, next: 'scheduled' };
    case 'export':
      return { allowed: true, next: status };
  }
}

/** Statuses in which the scheduler may start new calls. */
export function releasesContacts(status: BatchStatus): boolean {
  return status === 'running';
}

/** Statuses after which nothing changes any more. */
export function isFinalBatchStatus(status: BatchStatus): boolean {
  return status === 'completed' || status === 'failed' || status === 'cancelled';
}

/** The counters and status `completionStep` looks at. */
export interface BatchProgress {
  status: BatchStatus;
  completed_at: Date | null;
  total_contacts: number;
  contacts_received: number;
  final_count: number;
}

/**
 * What a batch's end needs once every contact is final: `completed` for a running, paused or
 * scheduled batch (the status changes, exactly once), `drained` for a cancelled, failed or
 * (already) completed one (it keeps its status; only `completed_at` is stamped), `none` while
 * contacts are still arriving or waiting, once it was stamped, or for a `pending` batch (not
 * started: it stays until it is scheduled or cancelled).
 */
export function completionStep(batch: BatchProgress): 'none' | 'drained' | 'completed' {
  if (batch.completed_at || batch.contacts_received < batch.total_contacts || batch.final_count < batch.total_contacts)
    return 'none';
  if (batch.status === 'cancelled' || batch.status === 'failed' || batch.status === 'completed') return 'drained';
  if (batch.status === 'pending') return 'none';
  return 'completed';
}

/** How long a call event of a batch this scheduler does not know is retried before it is dead-lettered (ms). */
export const UNKNOWN_BATCH_EVENT_MAX_AGE_MS = 10 * 60_000;

/** Batch statuses an unrecoverable failure (agent deleted, provider unconfigured) ends `failed`: all not final. */
export const FAILABLE_STATUSES: readonly BatchStatus[] = ['pending', 'scheduled', 'running', 'paused'];

/** The actor of a `failed` the dialer's unrecoverable attempt caused, in the batch's events and activity log. */
export const UNRECOVERABLE_ACTOR = 'dialer';

/**
 * The reason a batch ended `failed` because an attempt failed for a reason no later attempt can get
 * past (`CallFinishedEvent.unrecoverable_reason`, SPEC §4), for its `batch.failed` event and activity log.
 */
export function unrecoverableFailureReason(reason: UnrecoverableReason, agentId: string, provider: string): string {
  switch (reason) {
    case 'provider_not_configured':
      return `provider ${provider} is not configured (no credentials): no call of this batch can be placed`;
    case 'agent_not_found':
      return `agent ${agentId} was not found by the dialer: no call of this batch can be placed`;
  }
}
