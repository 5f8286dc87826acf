import { FINAL_BATCH_STATUSES } from '@outdial/contracts';

/** The lifecycle fields of a batch row. */
export interface BatchLifecycle {
  status: string;
  /** `at` of the status change applied last; null while the status is the one ingest set. */
  status_at: Date | null;
  start_time: Date | null;
  completed_at: Date | null;
}

/**
 * Applies a BatchStatusChangedEvent. Changes can arrive out of order (redeliveries, parallel
 * handlers), so the status follows the newest `at`; the start time is the earliest `running`
 * ever seen and the completion time the first final status, whatever the arrival order.
 */
export function applyStatusChange(current: BatchLifecycle, change: { status: string; at: Date }): BatchLifecycle {
  const newer = current.status_at === null || change.at.getTime() >= current.status_at.getTime();
  const isFinal = (FINAL_BATCH_STATUSES as readonly string[]).includes(change.status);
  return {
    status: newer ? change.status : current.status,
    status_at: newer ? change.at : current.status_at,
    start_time: change.status === 'running' ? earliest(current.start_time, change.at) : current.start_time,
    completed_at: isFinal ? earliest(current.completed_at, change.at) : current.completed_at,
  };
}

function earliest(a: Date | null, b: Date): Date {
  return a !== null && a.getTime() <= b.getTime() ? a : b;
}
