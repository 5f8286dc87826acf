import { useCallback, useEffect, useState } from 'react';

import { ErrorNotice } from '../components/ErrorNotice';
import { api, unwrap } from '../lib/api';
import { formatTime } from '../lib/format';

interface ActivityItem {
  at: string;
  kind: string;
  actor: string | null;
  message: string;
}

/**
 * The batch's activity log (`GET /api/batch-calls/{id}/activity`): created, started, paused by
 * which token or auto-paused with the numbers that tripped it, resumed, retries scheduled per
 * minute, completed, failed. Re-read whenever the batch's status changes (`status` prop).
 */
export function ActivityLog({ batchId, status }: { batchId: string; status: string }) {
  const [items, setItems] = useState<ActivityItem[] | null>(null);
  const [total, setTotal] = useState(0);
  const [error, setError] = useState<unknown>(null);

  const load = useCallback(async () => {
    try {
      const result = unwrap(
        await api.GET('/api/batch-calls/{id}/activity', {
          params: { path: { id: batchId }, query: { page: 1, page_size: 100 } as never },
        }),
      );
      const page = result as unknown as { items: ActivityItem[]; total: number };
      setItems(page.items);
      setTotal(page.total);
      setError(null);
    } catch (e) {
      setError(e);
    }
  }, [batchId]);

  useEffect(() => {
    void load();
  }, [load, status]);

  return (
    <div className="card">
      <h2>Activity</h2>
      <ErrorNotice error={error} />
      {items === null ? null : items.length === 0 ? (
        <p className="muted">Nothing has happened to this batch yet.</p>
      ) : (
        <ol className="activity" aria-label="Batch activity">
          {items.map((item, i) => (
            <li key={`${item.at}-${i}`} data-kind={item.kind}>
              <time dateTime={item.at}>{formatTime(item.at)}</time> {item.message}
              {item.actor && !item.message.includes(item.actor) ? <span className="muted"> ({item.actor})</span> : null}
            </li>
          ))}
        </ol>
      )}
      {total > 100 ? (
        <p className="muted small">The first 100 of {total} entries; the API pages through all of them.</p>
      ) : null}
    </div>
  );
}
