import { cancelDeltas } from './batch-cancel';
import { counterDelta } from './contact-counters';
import { statusCountDelta } from './status-counts';

describe('cancelDeltas', () => {
  it('moves waiting contacts to cancelled: final and failed, dialed ones in dialedFinal; listed ones between statuses', () => {
    const { counters, statusCounts } = cancelDeltas([
      { status: 'pending', listed: true, dialed: false, n: 5 },
      { status: 'queued', listed: true, dialed: true, n: 3 },
      { status: 'pending', listed: false, dialed: false, n: 2 },
    ]);
    expect(counters).toEqual({ final: 10, completed: 0, failed: 10, inProgress: 0, dialedFinal: 3 });
    expect(Object.fromEntries(statusCounts)).toEqual({ pending: -5, queued: -3, cancelled: 8 });
  });

  it('equals the per-contact before/after difference, so a later cancelled decision adds nothing', () => {
    const before = [
      { status: 'queued', final: false, attempts: 1, row: 1 },
      { status: 'pending', final: false, attempts: 0, row: 2 },
    ];
    const after = before.map((c) => ({ ...c, status: 'cancelled', final: true }));
    const { counters, statusCounts } = cancelDeltas([
      { status: 'queued', listed: true, dialed: true, n: 1 },
      { status: 'pending', listed: true, dialed: false, n: 1 },
    ]);
    expect(counters).toEqual(counterDelta(before, after));
    expect(statusCounts).toEqual(statusCountDelta(before, after));
    expect(counterDelta(after, after)).toEqual({ final: 0, completed: 0, failed: 0, inProgress: 0, dialedFinal: 0 });
  });

  it('is empty when nothing was waiting', () => {
    expect(cancelDeltas([])).toEqual({
      counters: { final: 0, completed: 0, failed: 0, inProgress: 0, dialedFinal: 0 },
      statusCounts: new Map(),
    });
  });
});
