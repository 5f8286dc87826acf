import { applyStatusChange, BatchLifecycle } from './batch-status-change';

const t = (minute: number) => new Date(Date.UTC(2025, 0, 1, 10, minute));
const ingested: BatchLifecycle = { status: 'scheduled', status_at: null, start_time: null, completed_at: null };

describe('applyStatusChange', () => {
  it('sets the status and the start time on the first running', () => {
    expect(applyStatusChange(ingested, { status: 'running', at: t(5) })).toEqual({
      status: 'running',
      status_at: t(5),
      start_time: t(5),
      completed_at: null,
    });
  });

  it('keeps the first start time across pause and resume', () => {
    let state = applyStatusChange(ingested, { status: 'running', at: t(5) });
    state = applyStatusChange(state, { status: 'paused', at: t(6) });
    state = applyStatusChange(state, { status: 'running', at: t(7) });
    expect(state).toEqual({ status: 'running', status_at: t(7), start_time: t(5), completed_at: null });
  });

  it('sets the completion time on completed, failed or cancelled', () => {
    for (const status of ['completed', 'failed', 'cancelled']) {
      const state = applyStatusChange(
        { ...ingested, status: 'running', status_at: t(5), start_time: t(5) },
        { status, at: t(9) },
      );
      expect(state).toEqual({ status, status_at: t(9), start_time: t(5), completed_at: t(9) });
    }
  });

  it('ignores the status of an older change that arrives late, but still learns its times', () => {
    const completed = { status: 'completed', status_at: t(9), start_time: null, completed_at: t(9) };
    expect(applyStatusChange(completed, { status: 'running', at: t(5) })).toEqual({
      status: 'completed',
      status_at: t(9),
      start_time: t(5),
      completed_at: t(9),
    });
  });

  it('changes nothing when the same change is applied again', () => {
    const once = applyStatusChange(ingested, { status: 'running', at: t(5) });
    expect(applyStatusChange(once, { status: 'running', at: t(5) })).toEqual(once);
  });

  it('keeps an earlier start time (a batch ingested as running)', () => {
    expect(
      applyStatusChange({ ...ingested, status: 'running', start_time: t(1) }, { status: 'running', at: t(2) })
        .start_time,
    ).toEqual(t(1));
  });
});
