import { BatchReport, BatchStatusView, CALL_OUTCOMES, CONTACT_STATUSES } from '@outdial/contracts';

import { roundTo } from './rounding';

export interface ReportInputs {
  view: BatchStatusView;
  estimatedCost: number;
  contactsByStatus: Record<string, number>;
  callsByOutcome: Record<string, number>;
  callsMade: number;
  totalTalkSeconds: number;
  callsConnected: number;
  ratePerMinute: number;
  currency: string;
  now: Date;
}

function withZeros(keys: readonly string[], counts: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const key of keys) out[key] = counts[key] ?? 0;
  for (const [key, n] of Object.entries(counts)) if (!(key in out)) out[key] = n;
  return out;
}

/** SPEC §8 report: summary, outcome breakdown, cost, timing. */
export function buildBatchReport(input: ReportInputs): BatchReport {
  const { view } = input;
  const start = view.start_time ? new Date(view.start_time).getTime() : null;
  const end = view.completed_at ? new Date(view.completed_at).getTime() : input.now.getTime();
  const elapsedSeconds = start !== null ? Math.max(0, Math.round((end - start) / 1000)) : null;
  return {
    generated_at: input.now.toISOString(),
    summary: view,
    contacts_by_status: withZeros(CONTACT_STATUSES, input.contactsByStatus),
    calls_by_outcome: withZeros(CALL_OUTCOMES, input.callsByOutcome),
    cost: {
      currency: input.currency,
      rate_per_minute: input.ratePerMinute,
      estimated_cost: roundTo(input.estimatedCost, 4),
      cost_so_far: view.cost_so_far,
      billed_minutes: roundTo(input.totalTalkSeconds / 60, 2),
      average_cost_per_call: input.callsConnected > 0 ? roundTo(view.cost_so_far / input.callsConnected, 4) : 0,
    },
    timing: {
      created_at: view.created_at,
      scheduled_start_time: view.scheduled_start_time,
      start_time: view.start_time,
      completed_at: view.completed_at,
      elapsed_seconds: elapsedSeconds,
      calls_made: input.callsMade,
      calls_connected: input.callsConnected,
      total_talk_seconds: roundTo(input.totalTalkSeconds, 1),
      avg_duration_seconds: view.avg_duration_seconds,
      calls_per_hour:
        elapsedSeconds && elapsedSeconds > 0 ? roundTo((input.callsMade * 3600) / elapsedSeconds, 1) : null,
      estimated_completion: view.estimated_completion,
    },
  };
}
