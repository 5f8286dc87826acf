import { fetchEventSource } from '@microsoft/fetch-event-source';
import * as Dialog from '@radix-ui/react-dialog';
import { DateTime } from 'luxon';
import { useCallback, useEffect, useReducer, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';

import { ConfirmAction } from '../components/ConfirmDialog';
import { ErrorNotice } from '../components/ErrorNotice';
import { OutcomeChart } from '../components/OutcomeChart';
import { StatusBadge } from '../components/StatusBadge';
import { ZonedTimeField } from '../components/ZonedTimeField';
import { api, saveBlob, unwrap } from '../lib/api';
import { formatDuration, formatMoney, formatTime, percent } from '../lib/format';
import { BatchStatus, initialLiveState, liveReducer, updatedAgo } from '../lib/live-status';
import { canWrite, readToken } from '../lib/session';
import { useSession } from '../session-context';
import { ActivityLog } from './ActivityLog';
import { ContactsTable } from './ContactsTable';

/** SPEC §4: where each action is allowed. */
const ALLOWED: Record<string, string[]> = {
  pause: ['running'],
  resume: ['paused'],
  cancel: ['pending', 'scheduled', 'running', 'paused'],
  delete: ['pending', 'scheduled', 'paused', 'completed', 'failed', 'cancelled'],
  reschedule: ['pending', 'scheduled'],
};

const REDIAL_CHOICES = ['busy', 'no_answer', 'voicemail', 'failed', 'timeout', 'expired', 'cancelled'];

/**
 * Batch page: summary cards and outcome chart from one status payload pushed live over SSE
 * (fetch-based, so the token travels as a header), contacts table, actions, exports, redial.
 */
export function BatchPage() {
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const { role } = useSession();
  const [live, dispatch] = useReducer(liveReducer, initialLiveState);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const [now, setNow] = useState(Date.now());
  const [contactsVersion, setContactsVersion] = useState(0);

  const refresh = useCallback(async () => {
    try {
      const batch = unwrap(await api.GET('/api/batch-calls/{id}', { params: { path: { id } } })) as BatchStatus;
      dispatch({ type: 'snapshot', batch, at: Date.now(), source: 'fetch' });
      setLoadError(null);
    } catch (e) {
      setLoadError(e);
    }
  }, [id]);

  useEffect(() => {
    void refresh();
    const controller = new AbortController();
    let finished = false;
    void fetchEventSource(`/api/batch-calls/${encodeURIComponent(id)}/events`, {
      headers: { Authorization: `Bearer ${readToken() ?? ''}` },
      signal: controller.signal,
      openWhenHidden: true,
      async onopen(response) {
        if (response.ok) dispatch({ type: 'connected' });
        else throw new Error(`the live stream answered ${response.status}`);
      },
      onmessage(message) {
        if (!message.data) return;
        dispatch({
          type: 'snapshot',
          batch: JSON.parse(message.data) as BatchStatus,
          at: Date.now(),
          source: 'stream',
        });
        if (message.event === 'final') {
          finished = true;
          dispatch({ type: 'ended' });
          // The stream ends here: one more read picks up counters that landed after the final status.
          setTimeout(() => void refresh(), 700);
        }
      },
      onclose() {
        // The server ends the stream after the final status: done. Any other end: reconnect.
        if (finished) return;
        throw new Error('the live stream closed');
      },
      onerror(error) {
        if (controller.signal.aborted || finished) throw error;
        dispatch({ type: 'reconnecting', error: String((error as Error)?.message ?? error) });
        return 2000;
      },
    }).catch(() => undefined);
    return () => controller.abort();
  }, [id, refresh]);

  // A redial links to its original (settings.metadata.redial_of).
  const [redialOf, setRedialOf] = useState<string | null>(null);
  useEffect(() => {
    setRedialOf(null);
    api.GET('/api/batch-calls/{id}/settings', { params: { path: { id } } }).then(
      (result) =>
        setRedialOf(
          ((result.data?.settings as { metadata?: { redial_of?: unknown } } | undefined)?.metadata?.redial_of as
            string | undefined) ?? null,
        ),
      () => undefined,
    );
  }, [id]);

  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);

  // The contacts table follows the live counts (at most every 2 s).
  const batch = live.batch;
  const doneCount = batch ? Number(batch.completed) + Number(batch.failed) : 0;
  useEffect(() => {
    const timer = setTimeout(() => setContactsVersion((v) => v + 1), 500);
    // Contacts reach the read model in chunks, apart from the counters: re-read now and then, and
    // once more a moment after the batch ends.
    const final = ['completed', 'failed', 'cancelled'].includes(String(batch?.status));
    const again = final
      ? setTimeout(() => setContactsVersion((v) => v + 1), 2000)
      : setInterval(() => setContactsVersion((v) => v + 1), 5000);
    return () => {
      clearTimeout(timer);
      clearTimeout(again);
      clearInterval(again);
    };
  }, [doneCount, batch?.status]);

  /**
   * After an action: read now, and again shortly, since the read model can lag the acknowledged
   * write by a moment (seen for reschedule) and the live stream only pushes progress.
   */
  const refreshAfterWrite = useCallback(async () => {
    await refresh();
    for (const delay of [1000, 3000]) setTimeout(() => void refresh(), delay);
  }, [refresh]);

  const act = async (action: 'pause' | 'resume' | 'cancel') => {
    const path = `/api/batch-calls/{id}/${action}` as const;
    unwrap(await api.POST(path as '/api/batch-calls/{id}/pause', { params: { path: { id } } }));
    await refreshAfterWrite();
  };

  const remove = async () => {
    unwrap(await api.DELETE('/api/batch-calls/{id}', { params: { path: { id } } }));
    void navigate('/batches');
  };

  const download = async (kind: 'all' | 'successful' | 'failed' | 'json' | 'pdf' | 'issues') => {
    setActionError(null);
    try {
      if (kind === 'json') {
        const result = await api.GET('/api/batch-calls/{id}/report.json', { params: { path: { id } } });
        saveBlob(
          new Blob([JSON.stringify(unwrap(result), null, 2)], { type: 'application/json' }),
          `${id}-report.json`,
        );
      } else if (kind === 'pdf') {
        const result = await api.GET('/api/batch-calls/{id}/report.pdf', { params: { path: { id } }, parseAs: 'blob' });
        saveBlob(unwrap(result) as unknown as Blob, `${id}-report.pdf`);
      } else if (kind === 'issues') {
        const result = await api.GET('/api/batch-calls/{id}/issues.csv', { params: { path: { id } }, parseAs: 'blob' });
        saveBlob(unwrap(result) as unknown as Blob, `${id}-issues.csv`);
      } else {
        const result = await api.GET('/api/batch-calls/{id}/results', {
          params: { path: { id }, query: { filter: kind } },
          parseAs: 'blob',
        });
        saveBlob(unwrap(result) as unknown as Blob, `${id}-results-${kind}.csv`);
      }
    } catch (e) {
      setActionError(e);
    }
  };

  if (!batch) {
    return (
      <section>
        <h1 tabIndex={-1}>Batch {id}</h1>
        {loadError ? <ErrorNotice error={loadError} title="Could not load the batch" /> : <p role="status">Loading…</p>}
        <p>
          <Link to="/batches">All batches</Link>
        </p>
      </section>
    );
  }

  const status = String(batch.status);
  const writer = canWrite(role);
  const allowed = (action: string) => writer && ALLOWED[action].includes(status);
  const total = Number(batch.total_calls);
  const waiting = Math.max(0, Number(batch.pending) - Number(batch.in_progress));
  const failureReasons = new Map<string, number>();
  for (const e of (batch.errors ?? []) as { error: string }[])
    failureReasons.set(e.error, (failureReasons.get(e.error) ?? 0) + 1);

  return (
    <section>
      <div className="page-head">
        <div>
          <h1 tabIndex={-1}>{batch.name}</h1>
          <p className="muted small">
            {batch.batch_id} · agent {batch.agent_id} · from {batch.from_number} · concurrency {batch.concurrency} · max
            attempts {batch.max_attempts}
          </p>
          {redialOf ? (
            <p className="small" data-testid="redial-of">
              Redial of <Link to={`/batches/${redialOf}`}>{redialOf}</Link>
            </p>
          ) : null}
        </div>
        <div className="status-line">
          <span data-testid="batch-status">
            <StatusBadge value={status} />
          </span>
          <span className="muted small" aria-live="off" data-testid="updated-ago">
            {live.connection === 'live' ? '● live · ' : live.connection === 'reconnecting' ? 'reconnecting… · ' : ''}
            {updatedAgo(live.receivedAt, now)}
          </span>
        </div>
      </div>

      <div className="cards" aria-live="polite" aria-atomic="false">
        <Card label="Total contacts" value={String(total)} />
        <Card
          label="Successful"
          value={`${batch.completed}`}
          sub={percent(Number(batch.success_rate))}
          testId="card-successful"
        />
        <Card
          label="Failed"
          value={`${batch.failed}`}
          sub={total ? percent((Number(batch.failed) / total) * 100) : '—'}
          testId="card-failed"
        />
        <Card label="In progress" value={`${batch.in_progress}`} sub={`${waiting} waiting`} />
        <Card label="Cost so far" value={formatMoney(Number(batch.cost_so_far))} />
        <Card
          label="Estimated completion"
          value={
            batch.completed_at
              ? `done ${formatTime(batch.completed_at as string)}`
              : formatTime(batch.estimated_completion as string | null)
          }
        />
      </div>
      <progress className="wide" max={100} value={Number(batch.progress_percent)} aria-label="Progress" />
      <p className="muted small">
        {Math.round(Number(batch.progress_percent))} % done · created {formatTime(batch.created_at as string)} · started{' '}
        {formatTime(batch.start_time as string | null)}
        {batch.scheduled_start_time ? ` · scheduled ${formatTime(batch.scheduled_start_time as string)}` : ''} · average
        call {formatDuration(Number(batch.avg_duration_seconds ?? 0))}
      </p>

      <div className="two-col">
        <OutcomeChart
          counts={[
            { label: 'Successful', value: Number(batch.completed), tone: 'good' },
            { label: 'Failed', value: Number(batch.failed), tone: 'bad' },
            { label: 'In progress', value: Number(batch.in_progress), tone: 'info' },
            { label: 'Waiting', value: waiting, tone: 'neutral' },
          ]}
        />
        <div className="card">
          <h2>Why calls failed</h2>
          {failureReasons.size === 0 ? (
            <p className="muted">No failed contact yet.</p>
          ) : (
            <ul className="reasons">
              {[...failureReasons.entries()].map(([reason, count]) => (
                <li key={reason}>
                  <StatusBadge value={reason} kind="reason" /> {count}
                </li>
              ))}
            </ul>
          )}
        </div>
      </div>

      <div className="card">
        <h2>Actions and exports</h2>
        <div className="actions wrap">
          {allowed('pause') ? (
            <ConfirmAction
              label="Pause"
              title="Pause this batch?"
              description="Calls in progress finish; no new call starts until you resume."
              onConfirm={() => act('pause')}
            />
          ) : null}
          {allowed('resume') ? (
            <ConfirmAction
              label="Resume"
              title="Resume this batch?"
              description="Calling continues where it stopped."
              onConfirm={() => act('resume')}
            />
          ) : null}
          {allowed('reschedule') ? (
            <RescheduleButton
              id={id}
              current={batch.scheduled_start_time as string | null}
              onDone={refreshAfterWrite}
            />
          ) : null}
          {allowed('cancel') ? (
            <ConfirmAction
              label="Cancel batch"
              danger
              irreversible
              title="Cancel this batch?"
              description="Calls in progress finish; every contact not called yet ends cancelled."
              onConfirm={() => act('cancel')}
            />
          ) : null}
          {allowed('delete') ? (
            <ConfirmAction
              label="Delete"
              danger
              irreversible
              title="Delete this batch?"
              description="The batch, its contacts and its results are removed everywhere."
              onConfirm={remove}
            />
          ) : null}
          {writer ? (
            <Link className="button secondary" to={`/batches/new?duplicate=${encodeURIComponent(id)}`}>
              Duplicate settings
            </Link>
          ) : null}
          {writer ? <RedialButton id={id} onCreated={(newId) => navigate(`/batches/${newId}`)} /> : null}
        </div>
        <div className="actions wrap" role="group" aria-label="Exports">
          <button type="button" className="button secondary" onClick={() => download('all')}>
            Results CSV (all)
          </button>
          <button type="button" className="button secondary" onClick={() => download('successful')}>
            Results CSV (successful)
          </button>
          <button type="button" className="button secondary" onClick={() => download('failed')}>
            Results CSV (failed)
          </button>
          <button type="button" className="button secondary" onClick={() => download('json')}>
            Report JSON
          </button>
          <button type="button" className="button secondary" onClick={() => download('pdf')}>
            Report PDF
          </button>
          <button type="button" className="button secondary" onClick={() => download('issues')}>
            Validation issues CSV
          </button>
        </div>
        <ErrorNotice error={actionError} />
      </div>

      <ContactsTable batchId={id} version={contactsVersion} />
      <ActivityLog batchId={id} status={String(batch.status)} />
    </section>
  );
}

function Card({ label, value, sub, testId }: { label: string; value: string; sub?: string; testId?: string }) {
  return (
    <div className="stat-card" data-testid={testId}>
      <div className="stat-label">{label}</div>
      <div className="stat-value">{value}</div>
      {sub ? <div className="muted small">{sub}</div> : null}
    </div>
  );
}

function RescheduleButton({
  id,
  current,
  onDone,
}: {
  id: string;
  current: string | null;
  onDone: () => Promise<void>;
}) {
  const [open, setOpen] = useState(false);
  const zoneDefault = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  const [zone, setZone] = useState(zoneDefault);
  const [local, setLocal] = useState(
    (current
      ? DateTime.fromISO(current).setZone(zoneDefault)
      : DateTime.now().plus({ hours: 1 }).startOf('hour')
    ).toFormat("yyyy-MM-dd'T'HH:mm"),
  );
  const [error, setError] = useState<unknown>(null);
  const submit = async () => {
    setError(null);
    try {
      unwrap(
        await api.POST('/api/batch-calls/{id}/reschedule', {
          params: { path: { id } },
          body: { scheduled_start_time: `${local}:00`, timezone: zone },
        }),
      );
      setOpen(false);
      await onDone();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <Dialog.Root open={open} onOpenChange={setOpen}>
      <Dialog.Trigger asChild>
        <button type="button" className="button secondary">
          Reschedule
        </button>
      </Dialog.Trigger>
      <Dialog.Portal>
        <Dialog.Overlay className="dialog-overlay" />
        <Dialog.Content className="dialog">
          <Dialog.Title>Reschedule the batch</Dialog.Title>
          <Dialog.Description>
            The new start must be in the future. You can reschedule again until it starts.
          </Dialog.Description>
          <ZonedTimeField
            label="New start"
            value={local}
            zone={zone}
            onChange={(v, z) => {
              setLocal(v);
              setZone(z);
            }}
          />
          <ErrorNotice error={error} />
          <div className="dialog-buttons">
            <Dialog.Close asChild>
              <button type="button" className="button secondary">
                Keep as is
              </button>
            </Dialog.Close>
            <button type="button" className="button" onClick={submit}>
              Reschedule
            </button>
          </div>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}

function RedialButton({ id, onCreated }: { id: string; onCreated: (id: string) => void }) {
  const [open, setOpen] = useState(false);
  const [statuses, setStatuses] = useState<string[]>(['busy', 'no_answer', 'voicemail', 'failed']);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      const result = unwrap(
        await api.POST('/api/batch-calls/{id}/redial', { params: { path: { id } }, body: { statuses } }),
      );
      setOpen(false);
      onCreated((result as { batch_id: string }).batch_id);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog.Root
      open={open}
      onOpenChange={(o) => {
        setOpen(o);
        setError(null);
      }}
    >
      <Dialog.Trigger asChild>
        <button type="button" className="button secondary">
          Redial…
        </button>
      </Dialog.Trigger>
      <Dialog.Portal>
        <Dialog.Overlay className="dialog-overlay" />
        <Dialog.Content className="dialog">
          <Dialog.Title>Call these contacts again</Dialog.Title>
          <Dialog.Description>
            A new batch, linked to this one, with its settings, made of the contacts that ended:
          </Dialog.Description>
          <fieldset>
            <legend className="visually-hidden">Statuses to redial</legend>
            {REDIAL_CHOICES.map((s) => (
              <label key={s} className="inline">
                <input
                  type="checkbox"
                  checked={statuses.includes(s)}
                  onChange={(e) => setStatuses(e.target.checked ? [...statuses, s] : statuses.filter((x) => x !== s))}
                />{' '}
                {s.replace('_', ' ')}
              </label>
            ))}
          </fieldset>
          <p className="muted small">
            Numbers put on the do-not-call list since are skipped. You can act on the new batch like any other.
          </p>
          <ErrorNotice error={error} />
          <div className="dialog-buttons">
            <Dialog.Close asChild>
              <button type="button" className="button secondary">
                Keep as is
              </button>
            </Dialog.Close>
            <button type="button" className="button" disabled={busy || statuses.length === 0} onClick={submit}>
              {busy ? 'Creating…' : 'Create the redial batch'}
            </button>
          </div>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
