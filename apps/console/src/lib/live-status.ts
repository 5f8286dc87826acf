import type { components, paths } from '@outdial/client';

/** SPEC §8 batch status as `GET /api/batch-calls/{id}` and the SSE stream carry it. */
export type BatchStatus = paths['/api/batch-calls/{id}']['get']['responses']['200']['content']['application/json'] &
  Record<string, unknown>;
void (null as unknown as components);

export const FINAL_BATCH_STATUSES = ['completed', 'failed', 'cancelled'];

export type Connection = 'connecting' | 'live' | 'reconnecting' | 'ended' | 'error';

/** What the batch page shows: the newest status payload, when it arrived, and the stream's state. */
export interface LiveState {
  batch: BatchStatus | null;
  /** Epoch ms when the shown payload arrived (for "updated n s ago"). */
  receivedAt: number | null;
  connection: Connection;
  error: string | null;
}

export type LiveAction =
  | { type: 'snapshot'; batch: BatchStatus; at: number; source: 'stream' | 'fetch' }
  | { type: 'connected' }
  | { type: 'reconnecting'; error: string }
  | { type: 'ended' }
  | { type: 'failed'; error: string };

export const initialLiveState: LiveState = { batch: null, receivedAt: null, connection: 'connecting', error: null };

function finished(batch: BatchStatus | null): boolean {
  return batch !== null && FINAL_BATCH_STATUSES.includes(String(batch.status));
}

function doneCount(batch: BatchStatus): number {
  return Number(batch.completed ?? 0) + Number(batch.failed ?? 0);
}

/**
 * The live-update reducer. Payloads can arrive out of order (a fetch after an action can answer
 * after a newer stream message), so a payload is dropped when it would move the page backwards:
 * a final batch never turns non-final again, and for the same status the count of finished
 * contacts never goes down. A stream that ends after a final status is `ended`, not an error.
 */
export function liveReducer(state: LiveState, action: LiveAction): LiveState {
  switch (action.type) {
    case 'snapshot': {
      const current = state.batch;
      if (current && current.batch_id === action.batch.batch_id) {
        if (finished(current) && !finished(action.batch)) return state;
        if (current.status === action.batch.status && doneCount(action.batch) < doneCount(current)) return state;
        if (state.receivedAt !== null && action.at < state.receivedAt) return state;
      }
      const connection = action.source === 'stream' && state.connection !== 'ended' ? 'live' : state.connection;
      return { ...state, batch: action.batch, receivedAt: action.at, connection, error: null };
    }
    case 'connected':
      return { ...state, connection: 'live', error: null };
    case 'reconnecting':
      return { ...state, connection: 'reconnecting', error: action.error };
    case 'ended':
      return { ...state, connection: 'ended' };
    case 'failed':
      return { ...state, connection: 'error', error: action.error };
  }
}

/** "updated 3 s ago" / "updated just now". */
export function updatedAgo(receivedAt: number | null, now: number): string {
  if (receivedAt === null) return 'not updated yet';
  const seconds = Math.max(0, Math.round((now - receivedAt) / 1000));
  if (seconds < 1) return 'updated just now';
  if (seconds < 120) return `updated ${seconds} s ago`;
  return `updated ${Math.round(seconds / 60)} min ago`;
}
