import { FormEvent, useCallback, useEffect, useState } from 'react';

import { ConfirmAction } from '../components/ConfirmDialog';
import { ErrorNotice } from '../components/ErrorNotice';
import { api, unwrap } from '../lib/api';
import { formatTime } from '../lib/format';

interface Token {
  token_id: string;
  name: string;
  role: string;
  token_hint: string | null;
  created_at: string;
  revoked_at: string | null;
}

/** API tokens of the org (owners, SPEC §9): create (shown once), list, revoke. */
export function TokensPage() {
  const [items, setItems] = useState<Token[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [name, setName] = useState('');
  const [role, setRole] = useState('member');
  const [created, setCreated] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      setItems((unwrap(await api.GET('/api/tokens')) as unknown as { items: Token[] }).items);
    } catch (e) {
      setError(e);
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  const create = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    try {
      const result = unwrap(await api.POST('/api/tokens', { body: { name: name.trim(), role } as never })) as {
        token: string;
      };
      setCreated(result.token);
      setName('');
      await load();
    } catch (e) {
      setError(e);
    }
  };

  return (
    <section>
      <h1 tabIndex={-1}>API tokens</h1>
      <form className="card" onSubmit={create}>
        <h2>New token</h2>
        <div className="grid">
          <label>
            Name
            <input required value={name} onChange={(e) => setName(e.target.value)} />
          </label>
          <label>
            Role
            <select value={role} onChange={(e) => setRole(e.target.value)}>
              <option value="member">member (read only)</option>
              <option value="admin">admin (create and act on batches)</option>
              <option value="owner">owner (also tokens and limits)</option>
            </select>
          </label>
        </div>
        <button className="button" type="submit">
          Create token
        </button>
      </form>
      {created ? (
        <div className="notice warn" role="status">
          <strong>New token (shown once: copy it now)</strong>
          <p>
            <code className="mono" data-testid="new-token">
              {created}
            </code>
          </p>
          <button className="button secondary small" type="button" onClick={() => setCreated(null)}>
            I have copied it
          </button>
        </div>
      ) : null}
      <ErrorNotice error={error} />
      {items ? (
        <table className="table">
          <caption className="visually-hidden">Tokens</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Role</th>
              <th scope="col">Ends with</th>
              <th scope="col">Created</th>
              <th scope="col">Revoked</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((t) => (
              <tr key={t.token_id}>
                <td>{t.name}</td>
                <td>{t.role}</td>
                <td className="mono">{t.token_hint ?? '—'}</td>
                <td>{formatTime(t.created_at)}</td>
                <td>{formatTime(t.revoked_at)}</td>
                <td>
                  {t.revoked_at ? null : (
                    <ConfirmAction
                      label="Revoke"
                      danger
                      irreversible
                      title={`Revoke “${t.name}”?`}
                      description="Requests with this token fail from now on."
                      onConfirm={async () => {
                        unwrap(
                          await api.DELETE('/api/tokens/{token_id}', { params: { path: { token_id: t.token_id } } }),
                        );
                        await load();
                      }}
                    />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
