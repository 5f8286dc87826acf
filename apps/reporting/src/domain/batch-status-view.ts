import type { BatchStatusView } from '@outdial/contracts';

import { BatchReadModel, FailedContact } from './batch-read-model';
import { contactErrorMessage, retryCount } from './contact-error';
import { estimateCompletion } from './estimated-completion';
import { roundTo } from './rounding';

/** How many failed contacts the status lists (SPEC §8); the full list is the failed results CSV. */
export const STATUS_ERRORS_LIMIT = 100;

function percent(part: number, whole: number): number {
  return whole > 0 ? roundTo((part / whole) * 100, 1) : 0;
}

function iso(date: Date | null): string | null {
  return date ? date.toISOString() : null;
}

/** The SPEC §8 batch status, from the batch's counters and its first failed contacts. */
export function toBatchStatusView(batch: BatchReadModel, failed: readonly FailedContact[], now: Date): BatchStatusView {
  return {
    batch_id: batch.batch_id,
    name: batch.name,
    status: batch.status,
    agent_id: batch.agent_id,
    from_number: batch.from_number,
    concurrency: batch.concurrency,
    max_attempts: batch.max_attempts,
    total_calls: batch.total_calls,
    completed: batch.completed_count,
    failed: batch.failed_count,
    pending: Math.max(0, batch.total_calls - batch.final_count),
    in_progress: batch.in_progress_count,
    progress_percent: Math.min(100, percent(batch.final_count, batch.total_calls)),
    success_rate: percent(batch.completed_count, batch.final_count),
    avg_duration_seconds: batch.duration_count > 0 ? roundTo(batch.duration_sum / batch.duration_count, 1) : 0,
    cost_so_far: roundTo(batch.cost_so_far, 4),
    estimated_completion: iso(
      estimateCompletion({
        status: batch.status,
        startTime: batch.start_time,
        now,
        total: batch.total_calls,
        final: batch.final_count,
        dialedFinal: batch.dialed_final_count,
      }),
    ),
    created_at: batch.created_at.toISOString(),
    scheduled_start_time: iso(batch.scheduled_start_time),
    start_time: iso(batch.start_time),
    completed_at: iso(batch.completed_at),
    errors: failed.slice(0, STATUS_ERRORS_LIMIT).map((contact) => ({
      row: contact.row,
      phone: contact.phone ?? '',
      error: contactErrorMessage(contact),
      retry_count: retryCount(contact.attempts),
    })),
  };
}
