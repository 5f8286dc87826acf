import { randomUUID } from 'node:crypto';
import { Database } from '@outdial/service-runtime';
import { hashToken, newToken } from '../auth/token-hash';

export const DEFAULT_ORG_ID = 'default';
export const DEMO_AGENT_ID = 'agent-demo';
export const DEMO_FROM_NUMBER = '+12025550100';

export interface BootstrapResult {
  /** The owner token, when it was created now (shown once). */
  createdToken?: string;
  orgCreated: boolean;
}

/**
 * SPEC §11: makes sure org `default` exists with an owner token, the voice agent `agent-demo` on
 * the simulated provider and the outbound number +12025550100. With `token` given, that token is
 * (made) the owner token; without it, a token is created only if the org is new, and returned once.
 */
export async function ensureDefaultOrg(db: Database, token?: string): Promise<BootstrapResult> {
  return db.tx(async (client) => {
    const org = await client.query(
      `INSERT INTO gateway.orgs (org_id, name) VALUES ($1, 'Default organization') ON CONFLICT (org_id) DO NOTHING RETURNING org_id`,
      [DEFAULT_ORG_ID],
    );
    const orgCreated = (org.rowCount ?? 0) > 0;
    await client.query(
      `INSERT INTO gateway.agents (org_id, agent_id, name, kind, provider) VALUES ($1, $2, 'Demo voice agent', 'voice', 'simulated')
       ON CONFLICT (org_id, agent_id) DO NOTHING`,
      [DEFAULT_ORG_ID, DEMO_AGENT_ID],
    );
    await client.query(
      `INSERT INTO gateway.phone_numbers (org_id, e164, outbound_enabled, provider) VALUES ($1, $2, true, 'simulated')
       ON CONFLICT (org_id, e164) DO NOTHING`,
      [DEFAULT_ORG_ID, DEMO_FROM_NUMBER],
    );
    if (token) {
      await client.query(
        `INSERT INTO gateway.tokens (token_id, org_id, name, role, token_hash) VALUES ($1, $2, 'bootstrap', 'owner', $3)
         ON CONFLICT (token_hash) DO NOTHING`,
        [`tok_${randomUUID().replace(/-/g, '')}`, DEFAULT_ORG_ID, hashToken(token)],
      );
      return { orgCreated };
    }
    if (!orgCreated) return { orgCreated };
    const created = newToken();
    await client.query(`INSERT INTO gateway.tokens (token_id, org_id, name, role, token_hash) VALUES ($1, $2, 'bootstrap', 'owner', $3)`, [
      `tok_${randomUUID().replace(/-/g, '')}`,
      DEFAULT_ORG_ID,
      hashToken(created),
    ]);
    return { orgCreated, createdToken: created };
  });
}
