import { FormEvent, useCallback, useEffect, useState } from 'react';

import { ConfirmAction } from '../components/ConfirmDialog';
import { ErrorNotice } from '../components/ErrorNotice';
import { api, unwrap } from '../lib/api';
import { formatTime } from '../lib/format';
import { canWrite } from '../lib/session';
import { useSession } from '../session-context';

interface Entry {
  phone: string;
  reason: string | null;
  created_at: string;
}

/** Do-not-call (suppression) list, SPEC §2: search, add, remove, import a CSV. */
export function DncPage() {
  const { role } = useSession();
  const [search, setSearch] = useState('');
  const [applied, setApplied] = useState('');
  const [page, setPage] = useState(1);
  const [data, setData] = useState<{ items: Entry[]; total: number } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [phone, setPhone] = useState('');
  const [reason, setReason] = useState('');
  const [message, setMessage] = useState('');
  const [file, setFile] = useState<File | null>(null);

  const load = useCallback(async () => {
    try {
      const query: Record<string, string | number> = { page, page_size: 50 };
      if (applied) query.search = applied;
      setData(
        unwrap(await api.GET('/api/suppression-list', { params: { query: query as never } })) as unknown as {
          items: Entry[];
          total: number;
        },
      );
      setError(null);
    } catch (e) {
      setError(e);
    }
  }, [applied, page]);
  useEffect(() => {
    void load();
  }, [load]);

  const add = async (event: FormEvent) => {
    event.preventDefault();
    setMessage('');
    try {
      const body: Record<string, string> = { phone_number: phone.trim() };
      if (reason.trim()) body.reason = reason.trim();
      const result = unwrap(await api.POST('/api/suppression-list', { body: body as never }));
      setMessage(`Added: ${JSON.stringify(result)}`);
      setPhone('');
      await load();
    } catch (e) {
      setError(e);
    }
  };

  const importFile = async (event: FormEvent) => {
    event.preventDefault();
    if (!file) return;
    const form = new FormData();
    form.append('file', file, file.name);
    try {
      const result = unwrap(
        await api.POST('/api/suppression-list/import', {
          body: form as never,
          bodySerializer: (b: unknown) => b as FormData,
        }),
      );
      setMessage(`Imported: ${JSON.stringify(result)}`);
      await load();
    } catch (e) {
      setError(e);
    }
  };

  const writer = canWrite(role);
  return (
    <section>
      <h1 tabIndex={-1}>Do-not-call list</h1>
      <p className="muted">
        Numbers here are never dialed: a new batch keeps them as “suppressed”. An opt-out during a call adds the number.
      </p>
      {writer ? (
        <div className="two-col">
          <form className="card" onSubmit={add}>
            <h2>Add a number</h2>
            <label>
              Phone number
              <input required value={phone} onChange={(e) => setPhone(e.target.value)} placeholder="+14155550101" />
            </label>
            <label>
              Reason
              <input value={reason} onChange={(e) => setReason(e.target.value)} />
            </label>
            <button className="button" type="submit">
              Add
            </button>
          </form>
          <form className="card" onSubmit={importFile}>
            <h2>Import a CSV</h2>
            <label>
              CSV with a phone column
              <input type="file" accept=".csv,text/csv" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
            </label>
            <button className="button" type="submit" disabled={!file}>
              Import
            </button>
          </form>
        </div>
      ) : null}
      {message ? (
        <p role="status" className="notice info">
          {message}
        </p>
      ) : null}
      <ErrorNotice error={error} />
      <form
        className="filters"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setApplied(search);
          setPage(1);
        }}
      >
        <label>
          Search
          <input type="search" value={search} onChange={(e) => setSearch(e.target.value)} />
        </label>
        <button className="button secondary" type="submit">
          Search
        </button>
      </form>
      {data && data.items.length === 0 ? (
        <p className="empty">
          {applied ? 'No number matches.' : 'The list is empty. Add numbers above or import a CSV.'}
        </p>
      ) : null}
      {data && data.items.length > 0 ? (
        <table className="table">
          <caption className="visually-hidden">Do-not-call numbers</caption>
          <thead>
            <tr>
              <th scope="col">Phone</th>
              <th scope="col">Reason</th>
              <th scope="col">Added</th>
              {writer ? (
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              ) : null}
            </tr>
          </thead>
          <tbody>
            {data.items.map((entry) => (
              <tr key={entry.phone}>
                <td className="mono">{entry.phone}</td>
                <td>{entry.reason ?? '—'}</td>
                <td>{formatTime(entry.created_at)}</td>
                {writer ? (
                  <td>
                    <ConfirmAction
                      label="Remove"
                      title={`Remove ${entry.phone}?`}
                      description="Future batches may call this number again."
                      onConfirm={async () => {
                        unwrap(
                          await api.DELETE('/api/suppression-list/{phone}', {
                            params: { path: { phone: entry.phone } } as never,
                          }),
                        );
                        await load();
                      }}
                    />
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {data && data.total > 50 ? (
        <nav className="pager" aria-label="Pages">
          <button className="button secondary" type="button" disabled={page <= 1} onClick={() => setPage(page - 1)}>
            Previous
          </button>
          <span>
            Page {page} of {Math.ceil(data.total / 50)}
          </span>
          <button
            className="button secondary"
            type="button"
            disabled={page >= Math.ceil(data.total / 50)}
            onClick={() => setPage(page + 1)}
          >
            Next
          </button>
        </nav>
      ) : null}
    </section>
  );
}
