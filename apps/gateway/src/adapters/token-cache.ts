import type { AuthContext } from '../domain/auth-context';

/**
 * Resolved tokens for a short time (GATEWAY_AUTH_CACHE_MS), so a busy client does not cost a
 * database round trip per request. A revocation through this process is effective at once
 * (`forgetToken`); one made through another gateway replica or the CLI within the TTL.
 * One per gateway process (a provider of the module), shared by the auth guard, the WebSocket
 * server and token revocation.
 */
export class TokenCache {
  private readonly entries = new Map<string, { auth: AuthContext; expiresAt: number }>();

  /** `ttlMs` 0 turns the cache off (every request asks the database). */
  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
  ) {}

  get(tokenHash: string, nowMs: number): AuthContext | undefined {
    const entry = this.entries.get(tokenHash);
    if (!entry) return undefined;
    if (entry.expiresAt <= nowMs) {
      this.entries.delete(tokenHash);
      return undefined;
    }
    return entry.auth;
  }

  set(tokenHash: string, auth: AuthContext, nowMs: number): void {
    if (this.ttlMs <= 0) return;
    if (this.entries.size >= this.maxEntries) {
      for (const [key, entry] of this.entries) if (entry.expiresAt <= nowMs) this.entries.delete(key);
      if (this.entries.size >= this.maxEntries) this.entries.clear();
    }
    this.entries.set(tokenHash, { auth, expiresAt: nowMs + this.ttlMs });
  }

  forgetToken(tokenId: string): void {
    for (const [key, entry] of this.entries) if (entry.auth.token_id === tokenId) this.entries.delete(key);
  }
}
