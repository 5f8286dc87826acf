import type { AuthContext } from '../domain/auth-context';

/**
 * Resolved tokens for a short time (GATEWAY_AUTH_CACHE_MS), so a busy client does not cost a
 * database round trip per request. A revocation through any gateway replica is effective at once
 * (`forgetToken`, called here and on every replica through `BroadcastTokenRevocations`); one made
 * through the CLI, or whose broadcast was lost, within the TTL. One per gateway process (a provider
 * of the module), shared by the auth guard, the WebSocket server and token revocation.
 *
 * A lookup that read the token before a revocation and stores it after the revocation was applied
 * must not bring it back: callers take `generation` before asking the database and pass it to `set`,
 * which then skips the store if a token was forgotten in between.
 */
export class TokenCache {
  private readonly entries = new Map<string, { auth: AuthContext; expiresAt: number }>();
  private forgotten = 0;

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

  /** Grows with every `forgetToken`: pass the value read before a database lookup to `set`. */
  get generation(): number {
    return this.forgotten;
  }

  /** Stores a resolved token; skipped when the cache is off or a token was forgotten since `generation`. */
  set(tokenHash: string, auth: AuthContext, nowMs: number, generation = this.forgotten): void {
    if (this.ttlMs <= 0 || generation !== this.forgotten) return;
    if (this.entries.size >= this.maxEntries) {
      for (const [key, entry] of this.entries) if (entry.expiresAt <= nowMs) this.entries.delete(key);
      if (this.entries.size >= this.maxEntries) this.entries.clear();
    }
    this.entries.set(tokenHash, { auth, expiresAt: nowMs + this.ttlMs });
  }

  /** Drops every entry of `tokenId` (revoked): the next request with it asks the database. */
  forgetToken(tokenId: string): void {
    this.forgotten++;
    for (const [key, entry] of this.entries) if (entry.auth.token_id === tokenId) this.entries.delete(key);
  }
}
