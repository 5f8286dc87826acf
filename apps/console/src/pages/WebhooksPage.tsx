import { FormEvent, useCallback, useEffect, useState } from 'react';

import { ConfirmAction } from '../components/ConfirmDialog';
import { ErrorNotice } from '../components/ErrorNotice';
import { StatusBadge } from '../components/StatusBadge';
import { api, unwrap } from '../lib/api';
import { formatTime } from '../lib/format';
import { canWrite } from '../lib/session';
import { useSession } from '../session-context';

const EVENTS = [
  'batch.started',
  'batch.paused',
  'batch.resumed',
  'batch.call_completed',
  'batch.call_failed',
  'batch.completed',
  'batch.failed',
  'batch.cancelled',
];

interface Endpoint {
  webhook_id: string;
  url: string;
  events: string[];
  description: string | null;
  created_at: string;
}
interface Delivery {
  delivery_id: string;
  type: string;
  batch_id: string | null;
  status: string;
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  created_at: string;
  delivered_at: string | null;
}

/** Webhook endpoints (SPEC §8): add (secret shown once), remove, recent deliveries. */
export function WebhooksPage() {
  const { role } = useSession();
  const writer = canWrite(role);
  const [items, setItems] = useState<Endpoint[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<string[]>([]);
  const [secret, setSecret] = useState<string | null>(null);
  const [open, setOpen] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      setItems((unwrap(await api.GET('/api/webhooks')) as unknown as { items: Endpoint[] }).items);
    } catch (e) {
      setError(e);
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  const add = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    try {
      const created = unwrap(
        await api.POST('/api/webhooks', { body: { url: url.trim(), ...(events.length ? { events } : {}) } as never }),
      ) as { secret: string };
      setSecret(created.secret);
      setUrl('');
      await load();
    } catch (e) {
      setError(e);
    }
  };

  return (
    <section>
      <h1 tabIndex={-1}>Webhooks</h1>
      <p className="muted">
        Outdial POSTs batch events to these URLs, signed with HMAC-SHA256 (headers X-Outdial-Timestamp and
        X-Outdial-Signature).
      </p>
      {writer ? (
        <form className="card" onSubmit={add}>
          <h2>Add an endpoint</h2>
          <label>
            URL
            <input
              type="url"
              required
              value={url}
              onChange={(e) => setUrl(e.target.value)}
              placeholder="https://example.com/outdial"
            />
          </label>
          <fieldset>
            <legend>Events (none ticked: all)</legend>
            {EVENTS.map((ev) => (
              <label key={ev} className="inline">
                <input
                  type="checkbox"
                  checked={events.includes(ev)}
                  onChange={(e) => setEvents(e.target.checked ? [...events, ev] : events.filter((x) => x !== ev))}
                />{' '}
                {ev}
              </label>
            ))}
          </fieldset>
          <button className="button" type="submit">
            Add endpoint
          </button>
        </form>
      ) : null}
      {secret ? (
        <div className="notice warn" role="status">
          <strong>Signing secret (shown once: copy it now)</strong>
          <p>
            <code className="mono" data-testid="webhook-secret">
              {secret}
            </code>
          </p>
          <button className="button secondary small" type="button" onClick={() => setSecret(null)}>
            I have copied it
          </button>
        </div>
      ) : null}
      <ErrorNotice error={error} />
      {items && items.length === 0 ? (
        <p className="empty">No endpoint yet.{writer ? ' Add one above to receive batch events.' : ''}</p>
      ) : null}
      {items && items.length > 0 ? (
        <table className="table">
          <caption className="visually-hidden">Webhook endpoints</caption>
          <thead>
            <tr>
              <th scope="col">URL</th>
              <th scope="col">Events</th>
              <th scope="col">Created</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((w) => (
              <tr key={w.webhook_id}>
                <td className="mono">{w.url}</td>
                <td>{w.events.length ? w.events.join(', ') : 'all'}</td>
                <td>{formatTime(w.created_at)}</td>
                <td className="actions">
                  <button
                    className="button secondary small"
                    type="button"
                    onClick={() => setOpen(open === w.webhook_id ? null : w.webhook_id)}
                    aria-expanded={open === w.webhook_id}
                  >
                    Deliveries
                  </button>
                  {writer ? (
                    <ConfirmAction
                      label="Remove"
                      irreversible
                      danger
                      title="Remove this endpoint?"
                      description={`No more events go to ${w.url}.`}
                      onConfirm={async () => {
                        unwrap(await api.DELETE('/api/webhooks/{id}', { params: { path: { id: w.webhook_id } } }));
                        await load();
                      }}
                    />
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {open ? <Deliveries id={open} /> : null}
    </section>
  );
}

function Deliveries({ id }: { id: string }) {
  const [items, setItems] = useState<Delivery[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    void (async () => {
      try {
        setItems(
          (
            unwrap(await api.GET('/api/webhooks/{id}/deliveries', { params: { path: { id } } })) as unknown as {
              items: Delivery[];
            }
          ).items,
        );
      } catch (e) {
        setError(e);
      }
    })();
  }, [id]);
  return (
    <div className="card">
      <h2>Recent deliveries</h2>
      <ErrorNotice error={error} />
      {items && items.length === 0 ? <p className="muted">Nothing delivered yet.</p> : null}
      {items && items.length > 0 ? (
        <table className="table compact">
          <caption className="visually-hidden">Deliveries</caption>
          <thead>
            <tr>
              <th scope="col">Event</th>
              <th scope="col">Batch</th>
              <th scope="col">Status</th>
              <th scope="col">Attempts</th>
              <th scope="col">Last answer</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {items.map((d) => (
              <tr key={d.delivery_id}>
                <td>{d.type}</td>
                <td className="mono small">{d.batch_id ?? '—'}</td>
                <td>
                  <StatusBadge value={d.status} />
                </td>
                <td className="num">{d.attempts}</td>
                <td>{d.last_status_code ?? d.last_error ?? '—'}</td>
                <td>{formatTime(d.created_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}
