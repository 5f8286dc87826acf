import { BatchReadModel, FailedContact } from './batch-read-model';
import { STATUS_ERRORS_LIMIT, toBatchStatusView } from './batch-status-view';

const now = new Date('2025-01-01T10:10:00Z');

const batch = (over: Partial<BatchReadModel> = {}): BatchReadModel => ({
  batch_id: 'b-1',
  org_id: 'org-1',
  name: 'January',
  status: 'running',
  agent_id: 'agent-1',
  from_number: '+12025550100',
  concurrency: 5,
  max_attempts: 3,
  total_calls: 3,
  final_count: 2,
  completed_count: 1,
  failed_count: 1,
  in_progress_count: 1,
  dialed_final_count: 2,
  duration_sum: 200,
  duration_count: 3,
  cost_so_far: 0.30004,
  estimated_cost: 0.81,
  variable_columns: [],
  created_at: new Date('2025-01-01T09:00:00Z'),
  scheduled_start_time: null,
  start_time: new Date('2025-01-01T10:00:00Z'),
  completed_at: null,
  ...over,
});

const failedContact = (row: number, over: Partial<FailedContact> = {}): FailedContact => ({
  row,
  phone: `+1202555${String(row).padStart(4, '0')}`,
  status: 'failed',
  final: true,
  attempts: 3,
  failure_reason: null,
  last_outcome: 'busy',
  ...over,
});

describe('toBatchStatusView', () => {
  it('builds the SPEC §8 shape from the counters', () => {
    const view = toBatchStatusView(batch(), [failedContact(7)], now);
    expect(view).toEqual({
      batch_id: 'b-1',
      name: 'January',
      status: 'running',
      agent_id: 'agent-1',
      from_number: '+12025550100',
      concurrency: 5,
      max_attempts: 3,
      total_calls: 3,
      completed: 1,
      failed: 1,
      pending: 1,
      in_progress: 1,
      progress_percent: 66.7,
      success_rate: 50,
      avg_duration_seconds: 66.7,
      cost_so_far: 0.3,
      // 2 contacts in 10 minutes -> the last one in 5 more.
      estimated_completion: '2025-01-01T10:15:00.000Z',
      created_at: '2025-01-01T09:00:00.000Z',
      scheduled_start_time: null,
      start_time: '2025-01-01T10:00:00.000Z',
      completed_at: null,
      errors: [{ row: 7, phone: '+12025550007', error: 'busy', retry_count: 2 }],
    });
  });

  it('reports zeros, not NaN, for a batch nothing happened to', () => {
    const view = toBatchStatusView(
      batch({
        final_count: 0,
        completed_count: 0,
        failed_count: 0,
        in_progress_count: 0,
        dialed_final_count: 0,
        duration_sum: 0,
        duration_count: 0,
        cost_so_far: 0,
        status: 'scheduled',
        start_time: null,
        scheduled_start_time: new Date('2025-02-01T08:00:00Z'),
      }),
      [],
      now,
    );
    expect(view).toMatchObject({
      pending: 3,
      progress_percent: 0,
      success_rate: 0,
      avg_duration_seconds: 0,
      cost_so_far: 0,
      estimated_completion: null,
      scheduled_start_time: '2025-02-01T08:00:00.000Z',
      errors: [],
    });
  });

  it('handles an empty batch', () => {
    const view = toBatchStatusView(
      batch({
        total_calls: 0,
        final_count: 0,
        completed_count: 0,
        failed_count: 0,
        in_progress_count: 0,
        dialed_final_count: 0,
      }),
      [],
      now,
    );
    expect(view).toMatchObject({ pending: 0, progress_percent: 0, success_rate: 0 });
  });

  it('reports a finished batch', () => {
    const view = toBatchStatusView(
      batch({
        status: 'completed',
        final_count: 3,
        completed_count: 3,
        failed_count: 0,
        in_progress_count: 0,
        dialed_final_count: 3,
        completed_at: new Date('2025-01-01T10:20:00Z'),
      }),
      [],
      now,
    );
    expect(view).toMatchObject({
      pending: 0,
      progress_percent: 100,
      success_rate: 100,
      estimated_completion: null,
      completed_at: '2025-01-01T10:20:00.000Z',
    });
  });

  it('never reports negative pending or more than 100 percent', () => {
    const view = toBatchStatusView(batch({ total_calls: 2, final_count: 3 }), [], now);
    expect(view.pending).toBe(0);
    expect(view.progress_percent).toBe(100);
  });

  it('lists at most 100 errors, with the reason when known and retries never negative', () => {
    const many = Array.from({ length: 150 }, (_, i) => failedContact(i + 1));
    expect(toBatchStatusView(batch(), many, now).errors).toHaveLength(STATUS_ERRORS_LIMIT);
    const [reason, suppressed] = toBatchStatusView(
      batch(),
      [
        failedContact(1, { failure_reason: 'SIP 503', attempts: 1 }),
        failedContact(2, { status: 'suppressed', last_outcome: null, attempts: 0, phone: null }),
      ],
      now,
    ).errors;
    expect(reason).toEqual({ row: 1, phone: '+12025550001', error: 'SIP 503', retry_count: 0 });
    expect(suppressed).toEqual({ row: 2, phone: '', error: 'suppressed', retry_count: 0 });
  });

  it('rounds percentages to one decimal', () => {
    const view = toBatchStatusView(
      batch({ total_calls: 3, final_count: 1, completed_count: 1, failed_count: 0 }),
      [],
      now,
    );
    expect(view.progress_percent).toBe(33.3);
    expect(view.success_rate).toBe(100);
  });
});
