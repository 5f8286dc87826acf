import { useEffect, useState } from 'react';
import { Navigate, NavLink, Route, Routes, useLocation } from 'react-router-dom';

import { ErrorBoundary } from './components/ErrorBoundary';
import { canWrite } from './lib/session';
import { BatchesPage } from './pages/BatchesPage';
import { BatchPage } from './pages/BatchPage';
import { DncPage } from './pages/DncPage';
import { NewBatchPage } from './pages/NewBatchPage';
import { OrgPage } from './pages/OrgPage';
import { SignInPage } from './pages/SignInPage';
import { TokensPage } from './pages/TokensPage';
import { WebhooksPage } from './pages/WebhooksPage';
import { SessionProvider, useSession } from './session-context';

export function App() {
  return (
    <SessionProvider>
      <Shell />
    </SessionProvider>
  );
}

type Theme = 'light' | 'dark';

function useTheme(): [Theme, () => void] {
  const initial =
    (localStorage.getItem('outdial.theme') as Theme | null) ??
    (window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light');
  const [theme, setTheme] = useState<Theme>(initial);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
    localStorage.setItem('outdial.theme', theme);
  }, [theme]);
  return [theme, () => setTheme(theme === 'dark' ? 'light' : 'dark')];
}

function Shell() {
  const session = useSession();
  const [theme, toggleTheme] = useTheme();
  const location = useLocation();
  useEffect(() => {
    // Move focus to the page heading on navigation, so keyboard and screen-reader users land there.
    document.querySelector<HTMLElement>('main h1')?.focus();
  }, [location.pathname]);

  if (session.loading) return <p className="loading">Loading…</p>;
  const signedIn = session.org !== null;
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <span className="brand">Outdial</span>
        {signedIn ? (
          <nav aria-label="Main">
            <NavLink to="/batches" end>
              Batches
            </NavLink>
            {canWrite(session.role) ? <NavLink to="/batches/new">New batch</NavLink> : null}
            <NavLink to="/dnc">Do-not-call</NavLink>
            <NavLink to="/webhooks">Webhooks</NavLink>
            {session.role === 'owner' ? <NavLink to="/tokens">API tokens</NavLink> : null}
            {session.role === 'owner' ? <NavLink to="/org">Organization limits</NavLink> : null}
          </nav>
        ) : null}
        <div className="topbar-end">
          <button
            type="button"
            className="button secondary small"
            onClick={toggleTheme}
            aria-label={`Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`}
          >
            {theme === 'dark' ? 'Light theme' : 'Dark theme'}
          </button>
          {signedIn ? (
            <>
              <span className="who" data-testid="who">
                {session.org!.org_id} · <strong>{session.role}</strong>
              </span>
              <button type="button" className="button secondary small" onClick={session.signOut}>
                Sign out
              </button>
            </>
          ) : null}
        </div>
      </header>
      <main id="main">
        <ErrorBoundary resetKey={location.pathname}>
          {signedIn ? (
            <Routes>
              <Route path="/" element={<Navigate to="/batches" replace />} />
              <Route path="/signin" element={<Navigate to="/batches" replace />} />
              <Route path="/batches" element={<BatchesPage />} />
              <Route path="/batches/new" element={canWrite(session.role) ? <NewBatchPage /> : <Forbidden />} />
              <Route path="/batches/:id" element={<BatchPage />} />
              <Route path="/dnc" element={<DncPage />} />
              <Route path="/webhooks" element={<WebhooksPage />} />
              <Route path="/tokens" element={session.role === 'owner' ? <TokensPage /> : <Forbidden />} />
              <Route path="/org" element={session.role === 'owner' ? <OrgPage /> : <Forbidden />} />
              <Route path="*" element={<NotFound />} />
            </Routes>
          ) : (
            <SignInPage />
          )}
        </ErrorBoundary>
      </main>
    </>
  );
}

function Forbidden() {
  return (
    <section>
      <h1 tabIndex={-1}>Not available for your role</h1>
      <p>This page needs an owner or admin token. Ask an owner of your organization for one.</p>
    </section>
  );
}

function NotFound() {
  return (
    <section>
      <h1 tabIndex={-1}>Page not found</h1>
      <p>
        Go back to the <NavLink to="/batches">batches</NavLink>.
      </p>
    </section>
  );
}
