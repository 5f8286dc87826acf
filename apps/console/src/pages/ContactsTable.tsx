import { DateTime } from 'luxon';
import { FormEvent, Fragment, useCallback, useEffect, useState } from 'react';

import { ErrorNotice } from '../components/ErrorNotice';
import { StatusBadge } from '../components/StatusBadge';
import { api, unwrap } from '../lib/api';
import { formatDuration, formatTime } from '../lib/format';

const CONTACT_STATUSES = [
  'pending',
  'queued',
  'dialing',
  'in_progress',
  'completed',
  'voicemail',
  'failed',
  'invalid_number',
  'blocked',
  'carrier_error',
  'agent_error',
  'suppressed',
  'cancelled',
  'expired',
  'opted_out',
];

interface Contact {
  contact_id: string;
  row: number;
  phone: string;
  name: string | null;
  status: string;
  last_outcome: string | null;
  attempts: number;
  max_attempts: number;
  last_attempt_at: string | null;
  next_retry_at: string | null;
  duration_seconds: number | null;
  failure_reason: string | null;
  recording_url: string | null;
  transcript?: string | null;
}

interface Attempt {
  call_id: string;
  attempt: number;
  outcome: string | null;
  status: string;
  started_at: string | null;
  ended_at: string | null;
  duration_seconds: number | null;
  provider: string;
  cost: number | null;
}

interface Filters {
  status: string;
  attempts: string;
  from: string;
  to: string;
  search: string;
}

const EMPTY: Filters = { status: '', attempts: '', from: '', to: '', search: '' };

/** SPEC §8 contacts list: filters, search, 25/50/100 per page, and each contact's attempts. */
export function ContactsTable({ batchId, version }: { batchId: string; version: number }) {
  const [draft, setDraft] = useState<Filters>(EMPTY);
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(50);
  const [data, setData] = useState<{ items: Contact[]; total: number } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [open, setOpen] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      const query: Record<string, string | number> = { page, page_size: pageSize };
      if (filters.status) query.status = filters.status;
      if (filters.attempts !== '') query.attempts = Number(filters.attempts);
      if (filters.from) query.from = DateTime.fromISO(filters.from).toUTC().toISO()!;
      if (filters.to) query.to = DateTime.fromISO(filters.to).toUTC().toISO()!;
      if (filters.search.trim()) query.search = filters.search.trim();
      const result = unwrap(
        await api.GET('/api/batch-calls/{id}/contacts', { params: { path: { id: batchId }, query: query as never } }),
      );
      setData(result as unknown as { items: Contact[]; total: number });
      setError(null);
    } catch (e) {
      setError(e);
    }
  }, [batchId, filters, page, pageSize]);

  useEffect(() => {
    void load();
  }, [load, version]);

  const apply = (event: FormEvent) => {
    event.preventDefault();
    setFilters(draft);
    setPage(1);
  };
  const pages = data ? Math.max(1, Math.ceil(data.total / pageSize)) : 1;

  return (
    <div className="card">
      <h2 id="contacts-heading">Contacts</h2>
      <form className="filters" onSubmit={apply} aria-labelledby="contacts-heading">
        <label>
          Status
          <select value={draft.status} onChange={(e) => setDraft({ ...draft, status: e.target.value })} name="status">
            <option value="">All</option>
            {CONTACT_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          Attempts
          <input
            type="number"
            min={0}
            max={10}
            value={draft.attempts}
            onChange={(e) => setDraft({ ...draft, attempts: e.target.value })}
            className="narrow"
          />
        </label>
        <label>
          Last attempt from
          <input
            type="datetime-local"
            value={draft.from}
            onChange={(e) => setDraft({ ...draft, from: e.target.value })}
          />
        </label>
        <label>
          to
          <input type="datetime-local" value={draft.to} onChange={(e) => setDraft({ ...draft, to: e.target.value })} />
        </label>
        <label>
          Phone or name
          <input type="search" value={draft.search} onChange={(e) => setDraft({ ...draft, search: e.target.value })} />
        </label>
        <button type="submit" className="button secondary">
          Apply filters
        </button>
        <button
          type="button"
          className="button secondary"
          onClick={() => {
            setDraft(EMPTY);
            setFilters(EMPTY);
            setPage(1);
          }}
        >
          Clear
        </button>
      </form>
      <ErrorNotice error={error} />
      {data && data.items.length === 0 ? <p className="empty">No contact matches these filters.</p> : null}
      {data && data.items.length > 0 ? (
        <div className="table-wrap">
          <table className="table" data-testid="contacts-table">
            <caption className="visually-hidden">Contacts of the batch</caption>
            <thead>
              <tr>
                <th scope="col">Contact</th>
                <th scope="col">Status</th>
                <th scope="col">Attempts</th>
                <th scope="col">Last attempt</th>
                <th scope="col">Next retry</th>
                <th scope="col">Duration</th>
                <th scope="col">Last outcome</th>
                <th scope="col">Failure reason</th>
                <th scope="col">
                  <span className="visually-hidden">Details</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {data.items.map((c) => (
                <Fragment key={c.contact_id}>
                  <tr>
                    <td>
                      {c.name ? <div>{c.name}</div> : null}
                      <div className="mono">{c.phone}</div>
                    </td>
                    <td>
                      <StatusBadge value={c.status} />
                    </td>
                    <td className="num">
                      {c.attempts}/{c.max_attempts}
                    </td>
                    <td>{formatTime(c.last_attempt_at)}</td>
                    <td>{formatTime(c.next_retry_at)}</td>
                    <td>{formatDuration(c.duration_seconds)}</td>
                    <td>
                      <StatusBadge value={c.last_outcome} kind="outcome" />
                    </td>
                    <td>
                      {c.failure_reason ? (
                        <StatusBadge value={c.failure_reason} kind="reason" />
                      ) : (
                        <span className="muted">—</span>
                      )}
                    </td>
                    <td>
                      <button
                        type="button"
                        className="button secondary small"
                        aria-expanded={open === c.contact_id}
                        onClick={() => setOpen(open === c.contact_id ? null : c.contact_id)}
                      >
                        {open === c.contact_id ? 'Hide' : 'Attempts'}
                        <span className="visually-hidden"> of {c.phone}</span>
                      </button>
                    </td>
                  </tr>
                  {open === c.contact_id ? (
                    <tr className="drill">
                      <td colSpan={9}>
                        <Attempts batchId={batchId} contact={c} />
                      </td>
                    </tr>
                  ) : null}
                </Fragment>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {data ? (
        <nav className="pager" aria-label="Contact pages">
          <span data-testid="contacts-total">
            Showing {data.items.length} of {data.total} contacts
          </span>
          <label>
            Per page
            <select
              value={pageSize}
              onChange={(e) => {
                setPageSize(Number(e.target.value));
                setPage(1);
              }}
            >
              {[25, 50, 100].map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
          </label>
          <button
            type="button"
            className="button secondary small"
            disabled={page <= 1}
            onClick={() => setPage(page - 1)}
          >
            Previous
          </button>
          <span>
            Page {page} of {pages}
          </span>
          <button
            type="button"
            className="button secondary small"
            disabled={page >= pages}
            onClick={() => setPage(page + 1)}
          >
            Next
          </button>
        </nav>
      ) : null}
    </div>
  );
}

function Attempts({ batchId, contact }: { batchId: string; contact: Contact }) {
  const [items, setItems] = useState<Attempt[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    void (async () => {
      try {
        const result = unwrap(
          await api.GET('/api/batch-calls/{id}/calls', {
            params: { path: { id: batchId }, query: { contact_id: contact.contact_id } as never },
          }),
        );
        setItems((result as unknown as { items: Attempt[] }).items);
      } catch (e) {
        setError(e);
      }
    })();
  }, [batchId, contact.contact_id]);
  return (
    <div>
      <ErrorNotice error={error} />
      {items && items.length === 0 ? <p className="muted">Not dialed yet.</p> : null}
      {items && items.length > 0 ? (
        <table className="table compact">
          <caption>Attempts of {contact.phone}</caption>
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Outcome</th>
              <th scope="col">Started</th>
              <th scope="col">Ended</th>
              <th scope="col">Duration</th>
              <th scope="col">Provider</th>
            </tr>
          </thead>
          <tbody>
            {items.map((a) => (
              <tr key={a.call_id}>
                <td className="num">{a.attempt}</td>
                <td>
                  <StatusBadge value={a.outcome ?? a.status} kind="outcome" />
                </td>
                <td>{formatTime(a.started_at)}</td>
                <td>{formatTime(a.ended_at)}</td>
                <td>{formatDuration(a.duration_seconds)}</td>
                <td>{a.provider}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <p>
        {contact.recording_url ? (
          <a href={contact.recording_url} target="_blank" rel="noreferrer">
            Recording
          </a>
        ) : (
          <span className="muted">No recording</span>
        )}
        {' · '}
        {contact.transcript ? (
          <details className="inline-details">
            <summary>Transcript</summary>
            <pre className="transcript">{contact.transcript}</pre>
          </details>
        ) : (
          <span className="muted">No transcript</span>
        )}
      </p>
    </div>
  );
}
