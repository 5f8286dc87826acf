import { BatchAction, BatchStatus } from '@outdial/contracts';

/** Where each user action is allowed (SPEC §4); anything else is `409 invalid_transition`. */
export const ACTION_MATRIX: Readonly<Record<BatchAction | 'export', readonly BatchStatus[]>> = {
  pause: ['running'],
  resume: ['paused'],
  cancel: ['pending', 'scheduled', 'running', 'paused'],
  delete: ['pending', 'scheduled', 'paused', 'completed', 'failed', 'cancelled'],
  reschedule: ['pending', 'scheduled'],
  export: ['pending', 'scheduled', 'running', 'paused', 'completed', 'failed', 'cancelled'],
};

export type ActionDecision =
  | { allowed: true; next: BatchStatus | 'deleted' }
  | { allowed: false; reason: string };

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
