import { FormEvent, useEffect, useState } from 'react';

import { ErrorNotice } from '../components/ErrorNotice';
import { api, unwrap } from '../lib/api';
import { useSession } from '../session-context';

/** Organization limits (owners, SPEC §6/§9): concurrent calls, call-start rate, compliance guard. */
export function OrgPage() {
  const { org, refreshOrg } = useSession();
  const [maxCalls, setMaxCalls] = useState(org?.max_concurrent_calls ?? 5);
  const [rate, setRate] = useState(org?.calls_per_second ?? 1);
  const [guard, setGuard] = useState(org?.compliance_guard ?? true);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    if (!org) return;
    setMaxCalls(org.max_concurrent_calls);
    setRate(org.calls_per_second);
    setGuard(org.compliance_guard);
  }, [org]);

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setSaved(false);
    try {
      unwrap(
        await api.PATCH('/api/org', {
          body: { max_concurrent_calls: maxCalls, calls_per_second: rate, compliance_guard: guard } as never,
        }),
      );
      await refreshOrg();
      setSaved(true);
    } catch (e) {
      setError(e);
    }
  };

  return (
    <section>
      <h1 tabIndex={-1}>Organization limits</h1>
      <form className="card" onSubmit={save}>
        <p className="muted">These hold across all batches and all dialer replicas of organization {org?.org_id}.</p>
        <div className="grid">
          <label>
            Concurrent calls (all batches)
            <input type="number" min={1} value={maxCalls} onChange={(e) => setMaxCalls(Number(e.target.value))} />
          </label>
          <label>
            Call starts per second
            <input
              type="number"
              min={0.01}
              step={0.01}
              value={rate}
              onChange={(e) => setRate(Number(e.target.value))}
            />
          </label>
        </div>
        <label className="inline">
          <input type="checkbox" checked={guard} onChange={(e) => setGuard(e.target.checked)} /> Compliance guard:
          calling hours never extend past 08:00–21:00 local time
        </label>
        <ErrorNotice error={error} />
        {saved ? (
          <p role="status" className="notice info">
            Saved.
          </p>
        ) : null}
        <button className="button" type="submit">
          Save limits
        </button>
      </form>
    </section>
  );
}
