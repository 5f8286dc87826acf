import { FormEvent, useState } from 'react';

import { ErrorNotice } from '../components/ErrorNotice';
import { useSession } from '../session-context';

/** Sign in with an API token (kept in session storage only). */
export function SignInPage() {
  const session = useSession();
  const [token, setToken] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await session.signIn(token);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="signin">
      <h1 tabIndex={-1}>Sign in to Outdial</h1>
      <p>
        Paste an API token of your organization. <code>npm start</code> prints the owner token on the first start;
        owners create more under “API tokens”. The token stays in this tab only.
      </p>
      <form onSubmit={submit} className="card">
        <label htmlFor="token">API token</label>
        <input
          id="token"
          name="token"
          type="password"
          autoComplete="off"
          required
          value={token}
          onChange={(e) => setToken(e.target.value)}
        />
        <ErrorNotice error={error} title="Could not sign in" />
        <button type="submit" className="button" disabled={busy || token.trim() === ''}>
          {busy ? 'Checking…' : 'Sign in'}
        </button>
      </form>
    </section>
  );
}
