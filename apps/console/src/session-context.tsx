import { createContext, ReactNode, useCallback, useContext, useEffect, useState } from 'react';

import { api, unwrap } from './lib/api';
import { clearToken, readToken, Role, saveToken } from './lib/session';

export interface Org {
  org_id: string;
  name: string;
  max_concurrent_calls: number;
  calls_per_second: number;
  compliance_guard: boolean;
  your_role: string;
}

interface SessionValue {
  org: Org | null;
  role: Role | null;
  loading: boolean;
  signIn(token: string): Promise<void>;
  signOut(): void;
  refreshOrg(): Promise<void>;
}

const SessionContext = createContext<SessionValue | null>(null);

/** Who is signed in: the org and role of the token in session storage (from `GET /api/org`). */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [org, setOrg] = useState<Org | null>(null);
  const [loading, setLoading] = useState(readToken() !== null);

  const refreshOrg = useCallback(async () => {
    const data = unwrap(await api.GET('/api/org')) as Org;
    setOrg(data);
  }, []);

  useEffect(() => {
    if (!readToken()) return;
    refreshOrg()
      .catch(() => {
        clearToken();
        setOrg(null);
      })
      .finally(() => setLoading(false));
  }, [refreshOrg]);

  const value: SessionValue = {
    org,
    role: (org?.your_role as Role | undefined) ?? null,
    loading,
    async signIn(token: string) {
      saveToken(token.trim());
      try {
        await refreshOrg();
      } catch (error) {
        clearToken();
        throw error;
      }
    },
    signOut() {
      clearToken();
      setOrg(null);
    },
    refreshOrg,
  };
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}
