import { estimateCompletion } from './estimated-completion';

const start = new Date('2025-01-01T10:00:00Z');
const now = new Date('2025-01-01T10:10:00Z');
const running = { status: 'running', startTime: start, now, total: 100, final: 10, dialedFinal: 10 };

describe('estimateCompletion', () => {
  it('extrapolates the pace since the start', () => {
    // 10 contacts in 10 minutes -> 90 remaining take 90 minutes.
    expect(estimateCompletion(running)?.toISOString()).toBe('2025-01-01T11:40:00.000Z');
  });

  it('measures the pace on dialed contacts only, while counting all final ones as done', () => {
    // 20 final of which 10 were suppressed at ingest: 80 remaining at 1/min.
    expect(estimateCompletion({ ...running, final: 20, dialedFinal: 10 })?.toISOString()).toBe(
      '2025-01-01T11:30:00.000Z',
    );
  });

  it('is null when the batch is not running', () => {
    for (const status of ['pending', 'scheduled', 'paused', 'completed', 'failed', 'cancelled']) {
      expect(estimateCompletion({ ...running, status })).toBeNull();
    }
  });

  it('is null without a start time or before any contact finished', () => {
    expect(estimateCompletion({ ...running, startTime: null })).toBeNull();
    expect(estimateCompletion({ ...running, final: 0, dialedFinal: 0 })).toBeNull();
    expect(estimateCompletion({ ...running, final: 5, dialedFinal: 0 })).toBeNull();
  });

  it('is null when the clock is not past the start', () => {
    expect(estimateCompletion({ ...running, now: start })).toBeNull();
    expect(estimateCompletion({ ...running, now: new Date(start.getTime() - 1000) })).toBeNull();
  });

  it('is now when nothing remains', () => {
    expect(estimateCompletion({ ...running, final: 100, dialedFinal: 100 })?.toISOString()).toBe(now.toISOString());
    expect(estimateCompletion({ ...running, final: 120 })?.toISOString()).toBe(now.toISOString());
  });
});
