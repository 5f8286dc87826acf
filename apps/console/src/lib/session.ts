/** The signed-in API token lives in session storage only (closed tab = signed out). */
const KEY = 'outdial.token';

export function readToken(): string | null {
  return sessionStorage.getItem(KEY);
}

export function saveToken(token: string): void {
  sessionStorage.setItem(KEY, token);
}

export function clearToken(): void {
  sessionStorage.removeItem(KEY);
}

export type Role = 'owner' | 'admin' | 'member';

/** SPEC §1: owners and admins create and act on batches; members only read. */
export function canWrite(role: Role | null | undefined): boolean {
  return role === 'owner' || role === 'admin';
}
