import { useCallback, useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';

import { ErrorNotice } from '../components/ErrorNotice';
import { StatusBadge } from '../components/StatusBadge';
import { api, unwrap } from '../lib/api';
import { formatTime } from '../lib/format';
import type { BatchStatus } from '../lib/live-status';
import { canWrite } from '../lib/session';
import { useSession } from '../session-context';

const STATUSES = ['pending', 'scheduled', 'running', 'paused', 'completed', 'failed', 'cancelled'];
const PAGE_SIZE = 20;

/** Batches: status filter, search, pagination; each row with its progress. */
export function BatchesPage() {
  const { role } = useSession();
  const [params, setParams] = useSearchParams();
  const status = params.get('status') ?? '';
  const search = params.get('search') ?? '';
  const page = Number(params.get('page') ?? '1');
  const [searchText, setSearchText] = useState(search);
  const [data, setData] = useState<{ items: BatchStatus[]; total: number } | null>(null);
  const [error, setError] = useState<unknown>(null);

  const load = useCallback(async () => {
    try {
      const query: Record<string, string | number> = { page, page_size: PAGE_SIZE };
      if (status) query.status = status;
      if (search) query.search = search;
      const result = unwrap(await api.GET('/api/batch-calls', { params: { query } }));
      setData(result as unknown as { items: BatchStatus[]; total: number });
      setError(null);
    } catch (e) {
      setError(e);
    }
  }, [page, status, search]);

  useEffect(() => {
    void load();
    const timer = setInterval(load, 3000);
    return () => clearInterval(timer);
  }, [load]);

  const set = (next: Record<string, string>) => {
    const merged = new URLSearchParams(params);
    for (const [k, v] of Object.entries(next)) {
      if (v) merged.set(k, v);
      else merged.delete(k);
    }
    setParams(merged);
  };
  const pages = data ? Math.max(1, Math.ceil(data.total / PAGE_SIZE)) : 1;

  return (
    <section>
      <div className="page-head">
        <h1 tabIndex={-1}>Batches</h1>
        {canWrite(role) ? (
          <Link className="button" to="/batches/new">
            New batch
          </Link>
        ) : null}
      </div>
      <form
        className="filters"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          set({ search: searchText, page: '' });
        }}
      >
        <label>
          Status
          <select value={status} onChange={(e) => set({ status: e.target.value, page: '' })}>
            <option value="">All statuses</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          Search by name
          <input type="search" value={searchText} onChange={(e) => setSearchText(e.target.value)} />
        </label>
        <button type="submit" className="button secondary">
          Search
        </button>
      </form>
      <ErrorNotice error={error} />
      {data && data.items.length === 0 ? (
        <div className="empty">
          <p>{status || search ? 'No batch matches these filters.' : 'No batches yet.'}</p>
          {canWrite(role) && !status && !search ? (
            <p>Create one with “New batch”: drop a CSV of contacts, check the report, launch.</p>
          ) : null}
        </div>
      ) : null}
      {data && data.items.length > 0 ? (
        <div className="table-wrap">
          <table className="table">
            <caption className="visually-hidden">Batches</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Status</th>
                <th scope="col">Progress</th>
                <th scope="col">Contacts</th>
                <th scope="col">Success</th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {data.items.map((b) => (
                <tr key={b.batch_id}>
                  <td>
                    <Link to={`/batches/${b.batch_id}`}>{b.name}</Link>
                    <div className="muted small">{b.batch_id}</div>
                  </td>
                  <td>
                    <StatusBadge value={b.status} />
                  </td>
                  <td>
                    <progress max={100} value={Number(b.progress_percent ?? 0)} aria-label={`Progress of ${b.name}`} />{' '}
                    {Math.round(Number(b.progress_percent ?? 0))} %
                  </td>
                  <td className="num">{b.total_calls}</td>
                  <td className="num">{b.success_rate ?? 0} %</td>
                  <td>{formatTime(String(b.created_at ?? ''))}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {data && data.total > PAGE_SIZE ? (
        <nav className="pager" aria-label="Pages">
          <button
            type="button"
            className="button secondary"
            disabled={page <= 1}
            onClick={() => set({ page: String(page - 1) })}
          >
            Previous
          </button>
          <span>
            Page {page} of {pages} ({data.total} batches)
          </span>
          <button
            type="button"
            className="button secondary"
            disabled={page >= pages}
            onClick={() => set({ page: String(page + 1) })}
          >
            Next
          </button>
        </nav>
      ) : null}
    </section>
  );
}
