import { describe, expect, it } from 'vitest';

import { BatchStatus, initialLiveState, liveReducer, LiveState, updatedAgo } from './live-status';

const batch = (over: Partial<BatchStatus>): BatchStatus =>
  ({
    batch_id: 'b1',
    name: 'x',
    status: 'running',
    total_calls: 10,
    completed: 0,
    failed: 0,
    pending: 10,
    in_progress: 0,
    ...over,
  }) as BatchStatus;

describe('live-update reducer', () => {
  it('takes stream snapshots and marks the stream live', () => {
    const s = liveReducer(initialLiveState, {
      type: 'snapshot',
      batch: batch({ completed: 2 }),
      at: 1000,
      source: 'stream',
    });
    expect(s.connection).toBe('live');
    expect(s.batch?.completed).toBe(2);
    expect(s.receivedAt).toBe(1000);
  });

  it('drops a late payload that would move the counts backwards', () => {
    let s: LiveState = liveReducer(initialLiveState, {
      type: 'snapshot',
      batch: batch({ completed: 5, failed: 1 }),
      at: 2000,
      source: 'stream',
    });
    s = liveReducer(s, { type: 'snapshot', batch: batch({ completed: 3, failed: 1 }), at: 2100, source: 'fetch' });
    expect(s.batch?.completed).toBe(5);
    // An older arrival time is dropped too.
    s = liveReducer(s, { type: 'snapshot', batch: batch({ completed: 6, failed: 1 }), at: 1500, source: 'fetch' });
    expect(s.batch?.completed).toBe(5);
  });

  it('a final batch never turns non-final again; a status change is taken at once', () => {
    let s = liveReducer(initialLiveState, {
      type: 'snapshot',
      batch: batch({ status: 'running', completed: 4 }),
      at: 1,
      source: 'stream',
    });
    s = liveReducer(s, { type: 'snapshot', batch: batch({ status: 'paused', completed: 4 }), at: 2, source: 'fetch' });
    expect(s.batch?.status).toBe('paused');
    s = liveReducer(s, {
      type: 'snapshot',
      batch: batch({ status: 'completed', completed: 10, pending: 0 }),
      at: 3,
      source: 'stream',
    });
    s = liveReducer(s, { type: 'snapshot', batch: batch({ status: 'running', completed: 9 }), at: 4, source: 'fetch' });
    expect(s.batch?.status).toBe('completed');
  });

  it('the end of the stream after the final status is "ended", errors are kept for display', () => {
    let s = liveReducer(initialLiveState, { type: 'connected' });
    expect(s.connection).toBe('live');
    s = liveReducer(s, { type: 'reconnecting', error: 'network down' });
    expect(s).toMatchObject({ connection: 'reconnecting', error: 'network down' });
    s = liveReducer(s, { type: 'snapshot', batch: batch({ status: 'completed' }), at: 5, source: 'stream' });
    expect(s.error).toBeNull();
    s = liveReducer(s, { type: 'ended' });
    expect(s.connection).toBe('ended');
    // A snapshot after the end does not pretend the stream is live again.
    s = liveReducer(s, {
      type: 'snapshot',
      batch: batch({ status: 'completed', completed: 10 }),
      at: 6,
      source: 'stream',
    });
    expect(s.connection).toBe('ended');
  });

  it('says how old the shown numbers are', () => {
    expect(updatedAgo(null, 0)).toBe('not updated yet');
    expect(updatedAgo(1000, 1400)).toBe('updated just now');
    expect(updatedAgo(1000, 8000)).toBe('updated 7 s ago');
    expect(updatedAgo(0, 600_000)).toBe('updated 10 min ago');
  });
});
