import { DateTime } from 'luxon';
import Papa from 'papaparse';
import { DragEvent, FormEvent, useEffect, useMemo, useRef, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router-dom';

import { ErrorNotice } from '../components/ErrorNotice';
import { ZonedTimeField } from '../components/ZonedTimeField';
import { api, saveBlob, unwrap } from '../lib/api';
import { CallingWindow, Day, DAYS, DEFAULT_WINDOW, previewWindow, zoneGroups } from '../lib/calling-hours';
import { MappingRole, suggestMapping, toColumnMapping } from '../lib/column-mapping';
import { formatDuration, formatMoney, formatTime, timeZones } from '../lib/format';

interface Agent {
  agent_id: string;
  name: string;
  kind: string;
  provider: string;
  variables: string[];
}
interface PhoneNumber {
  number: string;
  outbound_enabled: boolean;
}
interface Validation {
  total_rows: number;
  valid_rows: number;
  invalid_rows: number;
  duplicate_rows: number;
  empty_rows: number;
  suppressed_rows: number;
  issues: { row: number; phone: string; code: string; message: string }[];
}
interface ValidateResult {
  name?: string;
  validation: Validation;
  estimated_cost: number;
  estimated_duration_seconds: number;
}

/** Rows parsed in the browser for the preview table and the calling-hours estimate. */
const SAMPLE_ROWS = 2000;
const RETRYABLE = ['busy', 'no_answer', 'timeout', 'voicemail'];

interface Parsed {
  headers: string[];
  rows: Record<string, string>[];
}

/** Headers and the first rows of a CSV (any SPEC §2 separator) or JSON array file. */
async function parseSample(file: File): Promise<Parsed> {
  if (/\.json$/i.test(file.name) || file.type === 'application/json') {
    const text = await file.slice(0, 20 * 1024 * 1024).text();
    try {
      const list = JSON.parse(text) as Record<string, unknown>[];
      const rows = list
        .slice(0, SAMPLE_ROWS)
        .map((r) =>
          Object.fromEntries(
            Object.entries(r).map(([k, v]) => [k, typeof v === 'object' ? JSON.stringify(v) : String(v ?? '')]),
          ),
        );
      const headers = [...new Set(rows.flatMap((r) => Object.keys(r)))];
      return { headers, rows };
    } catch {
      return { headers: [], rows: [] };
    }
  }
  // 4 MB is plenty for a 2,000-row sample and keeps a 100 MB file from being read whole.
  const text = await file.slice(0, 4 * 1024 * 1024).text();
  const result = Papa.parse<Record<string, string>>(text.replace(/^\uFEFF/, ''), {
    header: true,
    skipEmptyLines: 'greedy',
    preview: SAMPLE_ROWS,
  });
  return { headers: (result.meta.fields ?? []).filter((h) => h !== ''), rows: result.data };
}

function issuesCsv(issues: Validation['issues']): Blob {
  const cell = (v: unknown) => `"${String(v).replace(/"/g, '""')}"`;
  const lines = [
    'row,phone,code,message',
    ...issues.map((i) => [i.row, i.phone, i.code, i.message].map(cell).join(',')),
  ];
  return new Blob([lines.join('\n') + '\n'], { type: 'text/csv' });
}

/**
 * New batch (issue 13, seed 004 "Creating a Batch Campaign", improved): file or URL, preview,
 * column mapping, the validation report before anything dials, settings, schedule, calling
 * hours with a preview, estimates, create.
 */
export function NewBatchPage() {
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [agents, setAgents] = useState<Agent[]>([]);
  const [numbers, setNumbers] = useState<PhoneNumber[]>([]);
  const [loadError, setLoadError] = useState<unknown>(null);

  const [file, setFile] = useState<File | null>(null);
  const [fileUrl, setFileUrl] = useState('');
  const [parsed, setParsed] = useState<Parsed | null>(null);
  const [dragging, setDragging] = useState(false);
  const [roles, setRoles] = useState<Record<MappingRole, string | null>>({ phone: null, name: null, timezone: null });
  const [variableMap, setVariableMap] = useState<Record<string, string | null>>({});
  const [phoneGuessed, setPhoneGuessed] = useState(false);

  const [agentId, setAgentId] = useState('');
  const [fromNumber, setFromNumber] = useState('');
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [concurrency, setConcurrency] = useState(5);
  const [maxAttempts, setMaxAttempts] = useState(3);
  const [retryOn, setRetryOn] = useState<string[]>(['busy', 'no_answer', 'timeout']);
  const [delays, setDelays] = useState('300, 1800');
  const [scheduleLater, setScheduleLater] = useState(false);
  const [startLocal, setStartLocal] = useState(
    DateTime.now().plus({ hours: 1 }).startOf('hour').toFormat("yyyy-MM-dd'T'HH:mm"),
  );
  const [startZone, setStartZone] = useState(Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC');
  const [window, setWindow] = useState<CallingWindow>(DEFAULT_WINDOW);
  const [bypass, setBypass] = useState(false);
  const [duplicatedFrom, setDuplicatedFrom] = useState<string | null>(null);

  const [validating, setValidating] = useState(false);
  const [report, setReport] = useState<ValidateResult | null>(null);
  const [validateError, setValidateError] = useState<unknown>(null);
  const [createError, setCreateError] = useState<unknown>(null);
  const [creating, setCreating] = useState(false);
  const validateSeq = useRef(0);
  const droppedAt = useRef<number | null>(null);

  useEffect(() => {
    void (async () => {
      try {
        const a = unwrap(
          await api.GET('/api/agents', { params: { query: { page_size: 200 } as never } }),
        ) as unknown as { items: Agent[] };
        const n = unwrap(
          await api.GET('/api/phone-numbers', { params: { query: { page_size: 200 } as never } }),
        ) as unknown as { items: PhoneNumber[] };
        const voice = a.items.filter((x) => x.kind === 'voice');
        setAgents(voice);
        setNumbers(n.items.filter((x) => x.outbound_enabled));
        const duplicate = params.get('duplicate');
        if (duplicate) {
          // Every setting the original was created with (its start time excepted: that is for now).
          const original = unwrap(
            await api.GET('/api/batch-calls/{id}/settings', { params: { path: { id: duplicate } } }),
          );
          const settings = original.settings as Record<string, unknown>;
          setAgentId(original.agent_id ?? voice[0]?.agent_id ?? '');
          setFromNumber(original.from_number ?? '');
          setName(`${original.name} (copy)`);
          if (typeof settings.description === 'string') setDescription(settings.description);
          if (typeof settings.concurrency === 'number') setConcurrency(settings.concurrency);
          if (typeof settings.max_attempts === 'number') setMaxAttempts(settings.max_attempts);
          if (settings.retry_policy) {
            const policy = settings.retry_policy as {
              retry_on?: string[];
              delays_seconds?: number[];
              retry_on_voicemail?: boolean;
            };
            setRetryOn([...(policy.retry_on ?? []), ...(policy.retry_on_voicemail ? ['voicemail'] : [])]);
            if (policy.delays_seconds?.length) setDelays(policy.delays_seconds.join(', '));
          }
          if (settings.call_timing)
            setWindow({ ...DEFAULT_WINDOW, ...(settings.call_timing as Partial<CallingWindow>) });
          if (settings.bypass_call_guardrails) setBypass(true);
          setDuplicatedFrom(duplicate);
        } else {
          setAgentId(voice[0]?.agent_id ?? '');
        }
      } catch (e) {
        setLoadError(e);
      }
    })();
  }, [params]);

  const agent = agents.find((a) => a.agent_id === agentId);

  const chooseFile = async (chosen: File | null) => {
    droppedAt.current = performance.now();
    setReport(null);
    setValidateError(null);
    if (!chosen) {
      setFile(null);
      setParsed(null);
      return;
    }
    // File, preview and suggested mapping land in one render: one validation request, not two.
    const sample = await parseSample(chosen);
    setFile(chosen);
    setFileUrl('');
    if (!name) setName(chosen.name.replace(/\.[^.]+$/, ''));
    setParsed(sample);
    const suggestion = suggestMapping(sample.headers, agent?.variables ?? []);
    setRoles(suggestion.roles);
    setVariableMap(suggestion.variables);
    setPhoneGuessed(suggestion.phoneGuessed);
  };

  // Agent variables follow the agent.
  useEffect(() => {
    if (!parsed) return;
    const suggestion = suggestMapping(parsed.headers, agent?.variables ?? []);
    setVariableMap(suggestion.variables);
  }, [agentId]); // eslint-disable-line react-hooks/exhaustive-deps

  const settingsForm = (): FormData => {
    const form = new FormData();
    if (file) form.append('file', file, file.name);
    else form.append('file_url', fileUrl.trim());
    form.append('agent_id', agentId);
    if (fromNumber) form.append('from_number', fromNumber);
    if (name.trim()) form.append('name', name.trim());
    if (description.trim()) form.append('description', description.trim());
    form.append('concurrency', String(concurrency));
    form.append('max_attempts', String(maxAttempts));
    const delaysSeconds = delays
      .split(/[,\s]+/)
      .filter(Boolean)
      .map(Number);
    form.append(
      'retry_policy',
      JSON.stringify({
        retry_on: retryOn.filter((r) => r !== 'voicemail'),
        delays_seconds: delaysSeconds,
        retry_on_voicemail: retryOn.includes('voicemail'),
      }),
    );
    form.append(
      'call_timing',
      JSON.stringify({
        start_hour: window.start_hour,
        end_hour: window.end_hour,
        days: window.days,
        skip_weekends: !!window.skip_weekends,
        timezone: window.timezone,
      }),
    );
    if (bypass) form.append('bypass_call_guardrails', 'true');
    if (scheduleLater) {
      form.append('scheduled_start_time', startLocal.length === 16 ? `${startLocal}:00` : startLocal);
      form.append('timezone', startZone);
    }
    const mapping = toColumnMapping(roles, variableMap);
    if (mapping) form.append('column_mapping', JSON.stringify(mapping));
    return form;
  };

  const canValidate = agentId !== '' && (file !== null || /^https?:\/\/\S+$/.test(fileUrl.trim()));

  // The report before anything dials: validate whenever the file, the mapping or the agent changes.
  useEffect(() => {
    if (!canValidate) return;
    const seq = ++validateSeq.current;
    const timer = setTimeout(
      async () => {
        setValidating(true);
        setValidateError(null);
        try {
          const sentAt = performance.now();
          const result = unwrap(
            await api.POST('/api/batch-calls/validate', {
              body: settingsForm() as never,
              bodySerializer: (b: unknown) => b as FormData,
            }),
          );
          if (seq !== validateSeq.current) return;
          document.documentElement.dataset.lastValidateMs = String(Math.round(performance.now() - sentAt));
          setReport(result as unknown as ValidateResult);
          if (droppedAt.current !== null) {
            const ms = Math.round(performance.now() - droppedAt.current);
            document.documentElement.dataset.lastReportMs = String(ms);
            droppedAt.current = null;
          }
        } catch (e) {
          if (seq !== validateSeq.current) return;
          setReport(null);
          setValidateError(e);
        } finally {
          if (seq === validateSeq.current) setValidating(false);
        }
      },
      file ? 0 : 600,
    );
    return () => clearTimeout(timer);
  }, [file, fileUrl, agentId, roles.phone, roles.name, roles.timezone, canValidate]); // eslint-disable-line react-hooks/exhaustive-deps

  const windowPreview = useMemo(() => {
    if (!parsed || !roles.phone) return null;
    const contacts = parsed.rows
      .map((r) => ({ phone: r[roles.phone!] ?? '', timezone: roles.timezone ? r[roles.timezone] : undefined }))
      .filter((c) => c.phone.trim() !== '');
    return previewWindow(zoneGroups(contacts), window, DateTime.now());
  }, [parsed, roles.phone, roles.timezone, window]);

  const create = async (event: FormEvent) => {
    event.preventDefault();
    setCreating(true);
    setCreateError(null);
    try {
      const result = unwrap(
        await api.POST('/api/batch-calls', {
          body: settingsForm() as never,
          bodySerializer: (b: unknown) => b as FormData,
        }),
      );
      void navigate(`/batches/${(result as { batch_id: string }).batch_id}`);
    } catch (e) {
      setCreateError(e);
    } finally {
      setCreating(false);
    }
  };

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    const dropped = e.dataTransfer.files?.[0];
    if (dropped) void chooseFile(dropped);
  };

  const headerOptions = parsed?.headers ?? [];
  const v = report?.validation;
  const missingVariables = (agent?.variables ?? []).filter((x) => !variableMap[x]);

  return (
    <section>
      <h1 tabIndex={-1}>New batch</h1>
      {duplicatedFrom ? (
        <p className="notice info" role="status" data-testid="duplicated-from">
          Settings copied from {duplicatedFrom}: add a contact list.
        </p>
      ) : null}
      <ErrorNotice error={loadError} title="Could not load agents and numbers" />
      <form onSubmit={create} className="stack">
        <fieldset className="card">
          <legend>1. Contacts</legend>
          <div
            className={`dropzone${dragging ? ' dragging' : ''}`}
            onDragOver={(e) => {
              e.preventDefault();
              setDragging(true);
            }}
            onDragLeave={() => setDragging(false)}
            onDrop={onDrop}
          >
            <p>Drop a CSV or JSON file here, or</p>
            <label className="button secondary" htmlFor="contacts-file">
              Choose a file
            </label>
            <input
              id="contacts-file"
              className="visually-hidden"
              type="file"
              accept=".csv,.tsv,.txt,.json,text/csv,application/json"
              onChange={(e) => void chooseFile(e.target.files?.[0] ?? null)}
            />
            {file ? (
              <p data-testid="chosen-file">
                <strong>{file.name}</strong> ({(file.size / 1024).toFixed(1)} KB)
              </p>
            ) : null}
          </div>
          <label htmlFor="file-url">…or the URL of a file (http/https)</label>
          <input
            id="file-url"
            type="url"
            placeholder="https://example.com/contacts.csv"
            value={fileUrl}
            disabled={file !== null}
            onChange={(e) => {
              setFileUrl(e.target.value);
              setParsed(null);
            }}
          />
          {parsed && parsed.rows.length > 0 ? (
            <div className="table-wrap">
              <table className="table compact">
                <caption>First rows of {file?.name}</caption>
                <thead>
                  <tr>
                    {parsed.headers.map((h) => (
                      <th key={h} scope="col">
                        {h}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {parsed.rows.slice(0, 5).map((r, i) => (
                    <tr key={i}>
                      {parsed.headers.map((h) => (
                        <td key={h}>{r[h]}</td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}
        </fieldset>

        {parsed && parsed.headers.length > 0 ? (
          <fieldset className="card">
            <legend>2. Column mapping</legend>
            <p className="muted">Suggested from the header names (SPEC §2 aliases); change any column.</p>
            <div className="grid">
              {(['phone', 'name', 'timezone'] as MappingRole[]).map((role) => (
                <label key={role}>
                  {role === 'phone' ? 'Phone column (required)' : role === 'name' ? 'Name column' : 'Time zone column'}
                  <select
                    value={roles[role] ?? ''}
                    onChange={(e) => setRoles({ ...roles, [role]: e.target.value || null })}
                  >
                    <option value="">{role === 'phone' ? '— choose the phone column —' : '(none)'}</option>
                    {headerOptions.map((h) => (
                      <option key={h} value={h}>
                        {h}
                      </option>
                    ))}
                  </select>
                </label>
              ))}
              {(agent?.variables ?? []).map((variable) => (
                <label key={variable}>
                  Agent variable <code>{`{${variable}}`}</code>
                  <select
                    value={variableMap[variable] ?? ''}
                    onChange={(e) => setVariableMap({ ...variableMap, [variable]: e.target.value || null })}
                  >
                    <option value="">(no column)</option>
                    {headerOptions.map((h) => (
                      <option key={h} value={h}>
                        {h}
                      </option>
                    ))}
                  </select>
                </label>
              ))}
            </div>
            {phoneGuessed && roles.phone ? (
              <p className="notice info">The phone column “{roles.phone}” was guessed from its name: check it.</p>
            ) : null}
            {!roles.phone ? (
              <p className="notice warn">No column is named like a phone column: choose it above.</p>
            ) : null}
            {missingVariables.length > 0 ? (
              <p className="notice warn" role="status">
                The agent expects {missingVariables.map((x) => `{${x}}`).join(', ')} but no column provides{' '}
                {missingVariables.length === 1 ? 'it' : 'them'}: those calls get an empty value.
              </p>
            ) : null}
          </fieldset>
        ) : null}

        <fieldset className="card" aria-busy={validating}>
          <legend>3. Validation report</legend>
          {!canValidate ? (
            <p className="muted">
              Choose a file (or a URL) and an agent: the report appears here before anything dials.
            </p>
          ) : null}
          {validating ? <p role="status">Checking every row…</p> : null}
          <ErrorNotice error={validateError} title="The file cannot be used as it is" />
          {v ? (
            <div data-testid="validation-report">
              <dl className="stats">
                <div>
                  <dt>Total rows</dt>
                  <dd data-testid="total-rows">{v.total_rows}</dd>
                </div>
                <div>
                  <dt>Valid</dt>
                  <dd data-testid="valid-rows">{v.valid_rows}</dd>
                </div>
                <div>
                  <dt>Invalid</dt>
                  <dd data-testid="invalid-rows">{v.invalid_rows}</dd>
                </div>
                <div>
                  <dt>Duplicates</dt>
                  <dd data-testid="duplicate-rows">{v.duplicate_rows}</dd>
                </div>
                <div>
                  <dt>Empty</dt>
                  <dd>{v.empty_rows}</dd>
                </div>
                <div>
                  <dt>Do-not-call</dt>
                  <dd>{v.suppressed_rows}</dd>
                </div>
              </dl>
              {v.issues.length > 0 ? (
                <>
                  <div className="table-wrap">
                    <table className="table compact">
                      <caption>Row issues{v.issues.length >= 100 ? ' (first 100)' : ''}</caption>
                      <thead>
                        <tr>
                          <th scope="col">Row</th>
                          <th scope="col">Phone</th>
                          <th scope="col">Issue</th>
                          <th scope="col">Message</th>
                        </tr>
                      </thead>
                      <tbody>
                        {v.issues.map((issue, i) => (
                          <tr key={i}>
                            <td className="num">{issue.row}</td>
                            <td>{issue.phone}</td>
                            <td>
                              <code>{issue.code}</code>
                            </td>
                            <td>{issue.message}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </div>
                  <button
                    type="button"
                    className="button secondary small"
                    onClick={() => saveBlob(issuesCsv(v.issues), 'validation-issues.csv')}
                  >
                    Download these issues (CSV)
                  </button>
                  <p className="muted small">After the batch is created, its page offers the full issue list as CSV.</p>
                </>
              ) : (
                <p>No row issues.</p>
              )}
              <p>
                Estimate: <strong data-testid="estimated-cost">{formatMoney(report!.estimated_cost)}</strong> and about{' '}
                <strong>{formatDuration(report!.estimated_duration_seconds)}</strong> of calling at this concurrency
                (3-minute average call).
              </p>
            </div>
          ) : null}
        </fieldset>

        <fieldset className="card">
          <legend>4. Settings</legend>
          <div className="grid">
            <label>
              Batch name
              <input required value={name} onChange={(e) => setName(e.target.value)} />
            </label>
            <label>
              Description
              <input value={description} onChange={(e) => setDescription(e.target.value)} />
            </label>
            <label>
              Agent
              <select required value={agentId} onChange={(e) => setAgentId(e.target.value)}>
                {agents.length === 0 ? <option value="">No voice agent: add one first</option> : null}
                {agents.map((a) => (
                  <option key={a.agent_id} value={a.agent_id}>
                    {a.name} ({a.provider})
                  </option>
                ))}
              </select>
            </label>
            <label>
              Caller number
              <select value={fromNumber} onChange={(e) => setFromNumber(e.target.value)}>
                <option value="">Default (the organization’s first)</option>
                {numbers.map((n) => (
                  <option key={n.number} value={n.number}>
                    {n.number}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Concurrent calls (1–50)
              <input
                type="number"
                min={1}
                max={50}
                value={concurrency}
                onChange={(e) => setConcurrency(Number(e.target.value))}
              />
            </label>
            <label>
              Max attempts (1–10)
              <input
                type="number"
                min={1}
                max={10}
                value={maxAttempts}
                onChange={(e) => setMaxAttempts(Number(e.target.value))}
              />
            </label>
          </div>
          <fieldset>
            <legend>Retry on</legend>
            {RETRYABLE.map((r) => (
              <label key={r} className="inline">
                <input
                  type="checkbox"
                  checked={retryOn.includes(r)}
                  onChange={(e) => setRetryOn(e.target.checked ? [...retryOn, r] : retryOn.filter((x) => x !== r))}
                />{' '}
                {r.replace('_', ' ')}
              </label>
            ))}
            <label>
              Delays between attempts (seconds, comma-separated; the last repeats)
              <input value={delays} onChange={(e) => setDelays(e.target.value)} />
            </label>
          </fieldset>
        </fieldset>

        <fieldset className="card">
          <legend>5. When</legend>
          <label className="inline">
            <input type="radio" name="when" checked={!scheduleLater} onChange={() => setScheduleLater(false)} /> Send
            now
          </label>
          <label className="inline">
            <input type="radio" name="when" checked={scheduleLater} onChange={() => setScheduleLater(true)} /> Schedule
          </label>
          {scheduleLater ? (
            <ZonedTimeField
              label="Start"
              value={startLocal}
              zone={startZone}
              onChange={(value, zone) => {
                setStartLocal(value);
                setStartZone(zone);
              }}
            />
          ) : null}
          <fieldset>
            <legend>Calling hours</legend>
            <div className="grid">
              <label>
                From (hour)
                <input
                  type="number"
                  min={0}
                  max={23}
                  value={window.start_hour}
                  onChange={(e) => setWindow({ ...window, start_hour: Number(e.target.value) })}
                />
              </label>
              <label>
                Until (hour)
                <input
                  type="number"
                  min={1}
                  max={24}
                  value={window.end_hour}
                  onChange={(e) => setWindow({ ...window, end_hour: Number(e.target.value) })}
                />
              </label>
              <label>
                In the time zone of
                <select value={window.timezone} onChange={(e) => setWindow({ ...window, timezone: e.target.value })}>
                  <option value="contact">each contact (local time)</option>
                  {timeZones().map((z) => (
                    <option key={z} value={z}>
                      {z}
                    </option>
                  ))}
                </select>
              </label>
            </div>
            <div role="group" aria-label="Days">
              {DAYS.map((d: Day) => (
                <label key={d} className="inline">
                  <input
                    type="checkbox"
                    checked={window.days.includes(d)}
                    onChange={(e) =>
                      setWindow({
                        ...window,
                        days: e.target.checked ? [...window.days, d] : window.days.filter((x) => x !== d),
                      })
                    }
                  />{' '}
                  {d}
                </label>
              ))}
            </div>
            {windowPreview ? (
              <p className="notice info" data-testid="window-preview" aria-live="polite">
                {bypass ? 'Calling hours are ignored for this batch. ' : ''}
                Open now for {windowPreview.openPercent} % of contacts
                {windowPreview.nextOpening
                  ? `; next opening at ${formatTime(windowPreview.nextOpening)} (${DateTime.fromISO(windowPreview.nextOpening).toUTC().toFormat('HH:mm')} UTC)`
                  : ''}
                {windowPreview.unknown > 0
                  ? `; ${windowPreview.unknown} ${windowPreview.unknown === 1 ? 'contact' : 'contacts'} with a zone the console cannot tell (the scheduler decides)`
                  : ''}
                . Estimated from the first {Math.min(parsed?.rows.length ?? 0, SAMPLE_ROWS)} rows.
              </p>
            ) : null}
            <label className="inline">
              <input type="checkbox" checked={bypass} onChange={(e) => setBypass(e.target.checked)} /> Ignore calling
              hours (internal test lists only)
            </label>
          </fieldset>
        </fieldset>

        <ErrorNotice error={createError} title="The batch was not created" />
        <div className="actions">
          <button
            type="submit"
            className="button"
            disabled={!canValidate || creating || !v || v.valid_rows + (v.suppressed_rows ?? 0) === 0}
          >
            {creating ? 'Creating…' : scheduleLater ? 'Create and schedule' : 'Create and start calling'}
          </button>
          {!v && canValidate ? <span className="muted">The create button waits for a validation report.</span> : null}
        </div>
      </form>
    </section>
  );
}
