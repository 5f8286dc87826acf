import { randomUUID } from 'node:crypto';
import { Database, ServiceError } from '@outdial/service-runtime';
import { hashToken, newToken } from '../../domain/token-hash';
import { DirectoryStore } from '../../persistence/directory-store';

export const DEFAULT_ORG_ID = 'default';
export const DEMO_AGENT_ID = 'agent-demo';
export const DEMO_FROM_NUMBER = '+12025550100';

export interface BootstrapResult {
  /** The owner token, when it was created now (shown once). */
  createdToken?: string;
  orgCreated: boolean;
}

/** Runs `fn`; an "already exists" (409) means there is nothing to do. */
async function unlessExists<T>(fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof ServiceError && error.code === 'conflict') return undefined;
    throw error;
  }
}

/**
 * SPEC §11: makes sure org `default` exists with an owner token, the voice agent `agent-demo` on
 * the simulated provider and the outbound number +12025550100 (re-created if they were removed).
 * With `token` given, that token is (made again, if revoked) an active owner token; without it, a token is created only if
 * the org is new, and returned once. Goes through the directory, so every creation is a versioned
 * event in the outbox like any other change.
 */
export async function ensureDefaultOrg(db: Database, token?: string): Promise<BootstrapResult> {
  const directory = new DirectoryStore(db);
  const orgCreated = (await unlessExists(() => directory.createOrg(DEFAULT_ORG_ID, 'Default organization'))) !== undefined;
  const agents = await db.query(`SELECT 1 FROM gateway.agents WHERE org_id = $1 AND agent_id = $2`, [DEFAULT_ORG_ID, DEMO_AGENT_ID]);
  if (agents.length === 0) {
    await unlessExists(() => directory.createAgent(DEFAULT_ORG_ID, { agent_id: DEMO_AGENT_ID, name: 'Demo voice agent', kind: 'voice', provider: 'simulated' }));
  }
  const numbers = await db.query(`SELECT 1 FROM gateway.phone_numbers WHERE e164 = $1`, [DEMO_FROM_NUMBER]);
  if (numbers.length === 0) await unlessExists(() => directory.addNumber(DEFAULT_ORG_ID, DEMO_FROM_NUMBER, true, 'simulated'));

  if (token) {
    await db.query(
      `INSERT INTO gateway.tokens (token_id, org_id, name, role, token_hash, token_hint, created_by) VALUES ($1, $2, 'bootstrap', 'owner', $3, $4, 'bootstrap')
       ON CONFLICT (token_hash) DO UPDATE SET revoked_at = NULL, role = 'owner' WHERE gateway.tokens.org_id = EXCLUDED.org_id`,
      [`tok_${randomUUID().replace(/-/g, '')}`, DEFAULT_ORG_ID, hashToken(token), token.slice(-4)],
    );
    return { orgCreated };
  }
  if (!orgCreated) return { orgCreated };
  const created = newToken();
  await db.query(`INSERT INTO gateway.tokens (token_id, org_id, name, role, token_hash, token_hint, created_by) VALUES ($1, $2, 'bootstrap', 'owner', $3, $4, 'bootstrap')`, [
    `tok_${randomUUID().replace(/-/g, '')}`,
    DEFAULT_ORG_ID,
    hashToken(created),
    created.slice(-4),
  ]);
  return { orgCreated, createdToken: created };
}
