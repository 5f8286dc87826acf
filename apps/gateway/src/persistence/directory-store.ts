import { randomUUID } from 'node:crypto';
import { CircuitBreakerSettings, isVoiceAgentPlatform, MemberRole } from '@outdial/contracts';
import { Database, OutboxEvent, quoteIdent, SecretBox, ServiceError } from '@outdial/service-runtime';
import type { PoolClient } from 'pg';
import { hashToken, newToken } from '../domain/token-hash';
import { TOKEN_CACHE } from '../adapters/token-cache';
import { AgentRow, AgentTombstoneRow, agentDeletedEvent, agentEvent, circuitBreakerOf, OrgRow, orgSettingsEvent } from '../domain/directory-events';
import { agentConfigProblems, PageParams, throwIfProblems } from '../domain/directory-rules';
import { AgentSecrets, platformConfigProblems, splitAgentConfig } from '../domain/platform-config';

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  page_size: number;
}

export interface OrgChanges {
  name?: string;
  max_concurrent_calls?: number;
  calls_per_second?: number;
  compliance_guard?: boolean;
  /** Merged over the org's current auto-pause rule. */
  circuit_breaker?: Partial<CircuitBreakerSettings>;
}

export interface AgentInput {
  agent_id?: string;
  name: string;
  kind?: 'voice' | 'text';
  provider?: string;
  variables?: string[];
  config?: Record<string, unknown>;
}

export type AgentChanges = Partial<Omit<AgentInput, 'agent_id'>>;

export interface PhoneNumberRow {
  org_id: string;
  e164: string;
  outbound_enabled: boolean;
  provider: string;
  created_at: Date;
  updated_at: Date;
}

export interface TokenRow {
  token_id: string;
  org_id: string;
  name: string;
  role: MemberRole;
  token_hint: string | null;
  created_at: Date;
  revoked_at: Date | null;
}

/**
 * The gateway's directory (orgs, agents, caller numbers, tokens) in its own schema. Every change
 * of an org's settings or of an agent bumps its `version` and writes the matching event to the
 * outbox in the same transaction, so the API and the admin CLI (which shares this class) both
 * publish: the running gateway's outbox relay sends what the CLI wrote.
 */
export class DirectoryStore {
  private readonly schema: string;

  constructor(
    private readonly db: Database,
    /** Called after a commit that wrote events (the gateway kicks its outbox relay). */
    private readonly onEvents: () => void = () => undefined,
    /** Seals and opens agents' provider secrets (OUTDIAL_SECRETS_KEY). */
    private readonly secretBox: SecretBox = new SecretBox(undefined),
  ) {
    this.schema = quoteIdent(db.schema);
  }

  // ---------- orgs ----------

  async getOrg(orgId: string): Promise<OrgRow> {
    const rows = await this.db.query<OrgRow>(`SELECT * FROM ${this.schema}.orgs WHERE org_id = $1`, [orgId]);
    if (rows.length === 0) throw new ServiceError('not_found', `org ${orgId} not found`);
    return rows[0];
  }

  async listOrgs(): Promise<OrgRow[]> {
    return this.db.query<OrgRow>(`SELECT * FROM ${this.schema}.orgs ORDER BY org_id`);
  }

  async createOrg(orgId: string, name: string, limits: OrgChanges = {}): Promise<OrgRow> {
    const row = await this.tx(async (client, events) => {
      const inserted = await client.query<OrgRow>(
        `INSERT INTO ${this.schema}.orgs (org_id, name, max_concurrent_calls, calls_per_second, compliance_guard)
         VALUES ($1, $2, COALESCE($3, 5), COALESCE($4, 1), COALESCE($5, true))
         ON CONFLICT (org_id) DO NOTHING RETURNING *`,
        [orgId, name, limits.max_concurrent_calls ?? null, limits.calls_per_second ?? null, limits.compliance_guard ?? null],
      );
      if (inserted.rows.length === 0) throw new ServiceError('conflict', `org ${orgId} already exists`, { field: 'org_id' });
      events.push(orgSettingsEvent(inserted.rows[0]));
      return inserted.rows[0];
    });
    return row;
  }

  /** Applies the changes that differ from the stored values; an unchanged org keeps its version. */
  async updateOrg(orgId: string, changes: OrgChanges): Promise<OrgRow> {
    return this.tx(async (client, events) => {
      const current = await client.query<OrgRow>(`SELECT * FROM ${this.schema}.orgs WHERE org_id = $1 FOR UPDATE`, [orgId]);
      if (current.rows.length === 0) throw new ServiceError('not_found', `org ${orgId} not found`);
      const before = current.rows[0];
      const next = {
        name: changes.name ?? before.name,
        max_concurrent_calls: changes.max_concurrent_calls ?? before.max_concurrent_calls,
        calls_per_second: changes.calls_per_second ?? Number(before.calls_per_second),
        compliance_guard: changes.compliance_guard ?? before.compliance_guard,
        circuit_breaker: { ...circuitBreakerOf(before), ...(changes.circuit_breaker ?? {}) },
      };
      const changed =
        next.name !== before.name ||
        next.max_concurrent_calls !== before.max_concurrent_calls ||
        next.calls_per_second !== Number(before.calls_per_second) ||
        next.compliance_guard !== before.compliance_guard ||
        JSON.stringify(next.circuit_breaker) !== JSON.stringify(circuitBreakerOf(before));
      if (!changed) return before;
      const updated = await client.query<OrgRow>(
        `UPDATE ${this.schema}.orgs SET name = $2, max_concurrent_calls = $3, calls_per_second = $4, compliance_guard = $5,
           circuit_breaker = $6, version = version + 1, updated_at = now() WHERE org_id = $1 RETURNING *`,
        [orgId, next.name, next.max_concurrent_calls, next.calls_per_second, next.compliance_guard, JSON.stringify(next.circuit_breaker)],
      );
      events.push(orgSettingsEvent(updated.rows[0]));
      return updated.rows[0];
    });
  }

  // ---------- agents ----------

  async listAgents(orgId: string, page: PageParams): Promise<Page<AgentRow>> {
    return this.page<AgentRow>(`${this.schema}.agents WHERE org_id = $1`, [orgId], 'created_at, agent_id', page);
  }

  async getAgent(orgId: string, agentId: string): Promise<AgentRow> {
    const rows = await this.db.query<AgentRow>(`SELECT * FROM ${this.schema}.agents WHERE org_id = $1 AND agent_id = $2`, [orgId, agentId]);
    if (rows.length === 0) throw new ServiceError('not_found', `agent ${agentId} not found`);
    return rows[0];
  }

  async createAgent(orgId: string, input: AgentInput): Promise<AgentRow> {
    const agentId = input.agent_id ?? `agent_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
    const provider = input.provider ?? 'simulated';
    const { config, sealed, secrets } = this.prepareConfig(provider, input.config ?? {}, {});
    return this.tx(async (client, events) => {
      await this.lockOrg(client, orgId);
      // A re-created agent continues the version of the deleted one, so consumers see it as newer.
      const tomb = await client.query<{ version: number }>(
        `DELETE FROM ${this.schema}.agent_tombstones WHERE org_id = $1 AND agent_id = $2 RETURNING version`,
        [orgId, agentId],
      );
      const version = (tomb.rows[0]?.version ?? 0) + 1;
      const inserted = await client.query<AgentRow>(
        `INSERT INTO ${this.schema}.agents (org_id, agent_id, name, kind, provider, variables, config, version, sealed_secrets, secret_names)
         VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8, $9, $10::jsonb) ON CONFLICT (org_id, agent_id) DO NOTHING RETURNING *`,
        [orgId, agentId, input.name, input.kind ?? 'voice', provider, JSON.stringify(input.variables ?? []), JSON.stringify(config), version, sealed, JSON.stringify(Object.keys(secrets).sort())],
      );
      if (inserted.rows.length === 0) throw new ServiceError('conflict', `agent ${agentId} already exists`, { field: 'agent_id' });
      events.push(agentEvent(inserted.rows[0]));
      return inserted.rows[0];
    });
  }

  async updateAgent(orgId: string, agentId: string, changes: AgentChanges): Promise<AgentRow> {
    return this.tx(async (client, events) => {
      const current = await client.query<AgentRow>(`SELECT * FROM ${this.schema}.agents WHERE org_id = $1 AND agent_id = $2 FOR UPDATE`, [orgId, agentId]);
      if (current.rows.length === 0) throw new ServiceError('not_found', `agent ${agentId} not found`);
      const before = current.rows[0];
      const provider = changes.provider ?? before.provider;
      // Secrets are never returned, so a config sent back without them keeps the stored ones
      // (of the same provider); sending a secret replaces it.
      const stored = this.openSecrets(before);
      const kept = provider === before.provider ? stored : {};
      const prepared = changes.config !== undefined || provider !== before.provider ? this.prepareConfig(provider, changes.config ?? before.config, kept) : { config: before.config, sealed: before.sealed_secrets ?? null, secrets: kept };
      const next = {
        name: changes.name ?? before.name,
        kind: changes.kind ?? before.kind,
        provider,
        variables: changes.variables ?? before.variables,
        config: prepared.config,
      };
      const secretsChanged = JSON.stringify(prepared.secrets) !== JSON.stringify(stored);
      if (!secretsChanged && JSON.stringify(next) === JSON.stringify({ name: before.name, kind: before.kind, provider: before.provider, variables: before.variables, config: before.config })) {
        return before;
      }
      const sealed = secretsChanged ? prepared.sealed : (before.sealed_secrets ?? null);
      const updated = await client.query<AgentRow>(
        `UPDATE ${this.schema}.agents SET name = $3, kind = $4, provider = $5, variables = $6::jsonb, config = $7::jsonb, sealed_secrets = $8, secret_names = $9::jsonb,
           version = version + 1, updated_at = now() WHERE org_id = $1 AND agent_id = $2 RETURNING *`,
        [orgId, agentId, next.name, next.kind, next.provider, JSON.stringify(next.variables), JSON.stringify(next.config), sealed, JSON.stringify(Object.keys(prepared.secrets).sort())],
      );
      events.push(agentEvent(updated.rows[0]));
      return updated.rows[0];
    });
  }

  /**
   * An agent's provider and opened secrets, for verifying its platform's webhooks. Throws
   * not_found for an unknown agent; secrets are {} when none are stored.
   */
  async agentSecrets(orgId: string, agentId: string): Promise<{ provider: string; secrets: AgentSecrets }> {
    const row = await this.getAgent(orgId, agentId);
    return { provider: row.provider, secrets: this.openSecrets(row) };
  }

  private openSecrets(row: AgentRow): AgentSecrets {
    return row.sealed_secrets ? (this.secretBox.open(row.sealed_secrets) as AgentSecrets) : {};
  }

  /**
   * Validates a submitted config (400 naming each field) and splits it: the stored and published
   * part, and the secrets (merged over `kept`) sealed for storage. Non-platform providers keep the
   * old rule: no secret-looking keys at all.
   */
  private prepareConfig(provider: string, submitted: Record<string, unknown>, kept: AgentSecrets): { config: Record<string, unknown>; sealed: string | null; secrets: AgentSecrets } {
    const { config, secrets, secretProblems } = splitAgentConfig(provider, submitted);
    const merged: AgentSecrets = { ...kept, ...secrets };
    const problems = [...secretProblems, ...agentConfigProblems(provider, config, isVoiceAgentPlatform(provider) ? (c) => platformConfigProblems(provider, c, merged) : undefined)];
    throwIfProblems(problems);
    const hasSecrets = Object.keys(merged).length > 0;
    return { config, secrets: merged, sealed: hasSecrets ? this.secretBox.seal(merged as Record<string, string>) : null };
  }

  async deleteAgent(orgId: string, agentId: string): Promise<void> {
    await this.tx(async (client, events) => {
      const deleted = await client.query<AgentRow>(`DELETE FROM ${this.schema}.agents WHERE org_id = $1 AND agent_id = $2 RETURNING *`, [orgId, agentId]);
      if (deleted.rows.length === 0) throw new ServiceError('not_found', `agent ${agentId} not found`);
      const row = deleted.rows[0];
      const tomb = await client.query<AgentTombstoneRow>(
        `INSERT INTO ${this.schema}.agent_tombstones (org_id, agent_id, name, kind, provider, version) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (org_id, agent_id) DO UPDATE SET name = EXCLUDED.name, kind = EXCLUDED.kind, provider = EXCLUDED.provider,
           version = EXCLUDED.version, deleted_at = now() RETURNING *`,
        [orgId, agentId, row.name, row.kind, row.provider, row.version + 1],
      );
      events.push(agentDeletedEvent(tomb.rows[0]));
    });
  }

  // ---------- caller numbers ----------

  async listNumbers(orgId: string, page: PageParams): Promise<Page<PhoneNumberRow>> {
    return this.page<PhoneNumberRow>(`${this.schema}.phone_numbers WHERE org_id = $1`, [orgId], 'created_at, e164', page);
  }

  async getNumber(orgId: string, e164: string): Promise<PhoneNumberRow> {
    const rows = await this.db.query<PhoneNumberRow>(`SELECT * FROM ${this.schema}.phone_numbers WHERE org_id = $1 AND e164 = $2`, [orgId, e164]);
    if (rows.length === 0) throw new ServiceError('not_found', `phone number ${e164} not found`);
    return rows[0];
  }

  async addNumber(orgId: string, e164: string, outboundEnabled: boolean, provider: string): Promise<PhoneNumberRow> {
    return this.tx(async (client) => {
      await this.lockOrg(client, orgId);
      // A caller number belongs to one org: it identifies the caller to the people called.
      const taken = await client.query(`SELECT org_id FROM ${this.schema}.phone_numbers WHERE e164 = $1`, [e164]);
      if (taken.rows.length > 0) throw new ServiceError('conflict', `${e164} is already registered`, { field: 'number' });
      const inserted = await client.query<PhoneNumberRow>(
        `INSERT INTO ${this.schema}.phone_numbers (org_id, e164, outbound_enabled, provider) VALUES ($1, $2, $3, $4) RETURNING *`,
        [orgId, e164, outboundEnabled, provider],
      );
      return inserted.rows[0];
    });
  }

  async updateNumber(orgId: string, e164: string, changes: { outbound_enabled?: boolean; provider?: string }): Promise<PhoneNumberRow> {
    const rows = await this.db.query<PhoneNumberRow>(
      `UPDATE ${this.schema}.phone_numbers SET outbound_enabled = COALESCE($3, outbound_enabled), provider = COALESCE($4, provider), updated_at = now()
       WHERE org_id = $1 AND e164 = $2 RETURNING *`,
      [orgId, e164, changes.outbound_enabled ?? null, changes.provider ?? null],
    );
    if (rows.length === 0) throw new ServiceError('not_found', `phone number ${e164} not found`);
    return rows[0];
  }

  async deleteNumber(orgId: string, e164: string): Promise<void> {
    const rows = await this.db.query(`DELETE FROM ${this.schema}.phone_numbers WHERE org_id = $1 AND e164 = $2 RETURNING e164`, [orgId, e164]);
    if (rows.length === 0) throw new ServiceError('not_found', `phone number ${e164} not found`);
  }

  // ---------- tokens ----------

  /** Creates a token; the secret is returned here only, the database keeps its hash. */
  async createToken(orgId: string, role: MemberRole, name: string, createdBy?: string): Promise<TokenRow & { token: string }> {
    const token = newToken();
    const tokenId = `tok_${randomUUID().replace(/-/g, '')}`;
    return this.tx(async (client) => {
      await this.lockOrg(client, orgId);
      const inserted = await client.query<TokenRow>(
        `INSERT INTO ${this.schema}.tokens (token_id, org_id, name, role, token_hash, token_hint, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7)
         RETURNING token_id, org_id, name, role, token_hint, created_at, revoked_at`,
        [tokenId, orgId, name, role, hashToken(token), token.slice(-4), createdBy ?? null],
      );
      return { ...inserted.rows[0], token };
    });
  }

  async listTokens(orgId: string, page: PageParams): Promise<Page<TokenRow>> {
    return this.page<TokenRow>(`${this.schema}.tokens WHERE org_id = $1`, [orgId], 'created_at, token_id', page, 'token_id, org_id, name, role, token_hint, created_at, revoked_at');
  }

  /** Revokes a token; the org's last active owner token cannot be revoked (nobody could manage the org). */
  async revokeToken(orgId: string, tokenId: string): Promise<TokenRow> {
    const revoked = await this.revokeTokenRow(orgId, tokenId);
    // After the commit: a request in between cannot put the still-valid token back in the cache.
    TOKEN_CACHE.forgetToken(tokenId);
    return revoked;
  }

  private async revokeTokenRow(orgId: string, tokenId: string): Promise<TokenRow> {
    return this.tx(async (client) => {
      await this.lockOrg(client, orgId);
      const found = await client.query<TokenRow>(
        `SELECT token_id, org_id, name, role, token_hint, created_at, revoked_at FROM ${this.schema}.tokens WHERE org_id = $1 AND token_id = $2 AND revoked_at IS NULL`,
        [orgId, tokenId],
      );
      if (found.rows.length === 0) throw new ServiceError('not_found', `token ${tokenId} not found (or already revoked)`);
      if (found.rows[0].role === 'owner') {
        const owners = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${this.schema}.tokens WHERE org_id = $1 AND role = 'owner' AND revoked_at IS NULL`, [orgId]);
        if (owners.rows[0].n <= 1) throw new ServiceError('conflict', 'this is the last owner token of the organization; create another owner token before revoking it');
      }
      const revoked = await client.query<TokenRow>(
        `UPDATE ${this.schema}.tokens SET revoked_at = now() WHERE token_id = $1 RETURNING token_id, org_id, name, role, token_hint, created_at, revoked_at`,
        [tokenId],
      );
      return revoked.rows[0];
    });
  }

  // ---------- reconciliation ----------

  /**
   * Writes the current settings of every org and every agent (and tombstone) to the outbox: run
   * at gateway start, so consumers that missed a change (or a CLI edit made while no gateway ran)
   * converge. Same versions as already published: consumers keep the highest.
   */
  async republishAll(): Promise<number> {
    return this.tx(async (client, events) => {
      for (const org of (await client.query<OrgRow>(`SELECT * FROM ${this.schema}.orgs ORDER BY org_id`)).rows) events.push(orgSettingsEvent(org));
      for (const agent of (await client.query<AgentRow>(`SELECT * FROM ${this.schema}.agents ORDER BY org_id, agent_id`)).rows) events.push(agentEvent(agent));
      for (const tomb of (await client.query<AgentTombstoneRow>(`SELECT * FROM ${this.schema}.agent_tombstones ORDER BY org_id, agent_id`)).rows) events.push(agentDeletedEvent(tomb));
      return events.length;
    });
  }

  // ---------- helpers ----------

  /** Serializes directory changes per org, and turns an unknown org into a 404. */
  private async lockOrg(client: PoolClient, orgId: string): Promise<void> {
    const rows = await client.query(`SELECT 1 FROM ${this.schema}.orgs WHERE org_id = $1 FOR UPDATE`, [orgId]);
    if (rows.rows.length === 0) throw new ServiceError('not_found', `org ${orgId} not found`);
  }

  private async page<T extends object>(from: string, params: unknown[], orderBy: string, page: PageParams, columns = '*'): Promise<Page<T>> {
    const [items, total] = await Promise.all([
      this.db.query<T>(`SELECT ${columns} FROM ${from} ORDER BY ${orderBy} LIMIT ${page.page_size} OFFSET ${(page.page - 1) * page.page_size}`, params),
      this.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${from}`, params),
    ]);
    return { items, total: total[0].n, page: page.page, page_size: page.page_size };
  }

  private async tx<T>(fn: (client: PoolClient, events: OutboxEvent[]) => Promise<T>): Promise<T> {
    let wrote = false;
    const result = await this.db.tx(async (client) => {
      const events: OutboxEvent[] = [];
      const value = await fn(client, events);
      if (events.length > 0) {
        // The runtime's outbox table in this schema (same SQL as Outbox.enqueue, usable without a bus).
        await client.query(`INSERT INTO ${this.schema}.outbox (subject, payload, msg_id) SELECT * FROM unnest($1::text[], $2::jsonb[], $3::text[])`, [
          events.map((e) => e.subject),
          events.map((e) => JSON.stringify(e.payload)),
          events.map((e) => e.payload.event_id),
        ]);
        wrote = true;
      }
      return value;
    });
    if (wrote) this.onEvents();
    return result;
  }
}
