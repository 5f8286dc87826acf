import { BatchStatusView } from '@outdial/contracts';

import { buildBatchReport } from './batch-report';

const view = {
  batch_id: 'b1',
  status: 'completed',
  cost_so_far: 0.27,
  avg_duration_seconds: 60,
  created_at: '2025-01-01T09:00:00.000Z',
  scheduled_start_time: null,
  start_time: '2025-01-01T10:00:00.000Z',
  completed_at: '2025-01-01T10:30:00.000Z',
  estimated_completion: null,
} as unknown as BatchStatusView;

describe('buildBatchReport', () => {
  it('fills every status and outcome, prices the minutes and measures the pace', () => {
    const report = buildBatchReport({
      view,
      estimatedCost: 1.5,
      contactsByStatus: { completed: 3, failed: 1 },
      callsByOutcome: { completed: 3, busy: 2 },
      callsMade: 5,
      callsConnected: 3,
      totalTalkSeconds: 180,
      ratePerMinute: 0.09,
      currency: 'USD',
      now: new Date('2025-01-02T00:00:00Z'),
    });
    expect(report.contacts_by_status).toMatchObject({ pending: 0, completed: 3, failed: 1, opted_out: 0 });
    expect(Object.keys(report.calls_by_outcome)).toHaveLength(11);
    expect(report.calls_by_outcome).toMatchObject({ completed: 3, busy: 2, no_answer: 0 });
    expect(report.cost).toEqual({
      currency: 'USD',
      rate_per_minute: 0.09,
      estimated_cost: 1.5,
      cost_so_far: 0.27,
      billed_minutes: 3,
      average_cost_per_call: 0.09,
    });
    expect(report.timing).toMatchObject({
      elapsed_seconds: 1800,
      calls_made: 5,
      calls_per_hour: 10,
      total_talk_seconds: 180,
    });
  });

  it('has no pace before the start', () => {
    const report = buildBatchReport({
      view: { ...view, start_time: null, completed_at: null },
      estimatedCost: 0,
      contactsByStatus: {},
      callsByOutcome: {},
      callsMade: 0,
      callsConnected: 0,
      totalTalkSeconds: 0,
      ratePerMinute: 0.09,
      currency: 'USD',
      now: new Date(),
    });
    expect(report.timing.elapsed_seconds).toBeNull();
    expect(report.timing.calls_per_hour).toBeNull();
    expect(report.cost.average_cost_per_call).toBe(0);
  });
});
