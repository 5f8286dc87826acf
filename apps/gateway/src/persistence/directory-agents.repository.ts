import { Injectable } from '@nestjs/common';
import { Database, quoteIdent, ServiceError, SqlClient } from '@outdial/service-runtime';

import { AgentRow, AgentTombstoneRow } from '../domain/directory-events';
import { Page, PageParams } from '../domain/directory-rules';
import { selectPage } from './paging';

/** An agent's stored fields as a create or an update writes them (config already split from its sealed secrets). */
export interface AgentFields {
  name: string;
  kind: 'voice' | 'text';
  provider: string;
  variables: string[];
  config: Record<string, unknown>;
  /** SecretBox-sealed secrets, null when the agent has none. */
  sealed_secrets: string | null;
  /** Names of the sealed secrets, sorted. */
  secret_names: string[];
}

/**
 * Typed SQL over the gateway's `agents` and `agent_tombstones` tables (one aggregate: an agent and
 * the tombstone that keeps its version sequence across a delete and a re-create).
 *
 * Transactions and locks: `takeTombstoneVersion`, `insert`, `selectForUpdate`, `update`, `delete`,
 * `upsertTombstone`, `listInTx` and `listTombstonesInTx` run inside the caller's transaction
 * (`DirectoryUnitOfWork.run`, after `OrgsRepository.lock` where the org must exist);
 * `selectForUpdate` locks the agent's row until it ends. `list`, `get`, `find` read outside any
 * transaction and take no lock.
 */
@Injectable()
export class DirectoryAgentsRepository {
  private readonly table: string;
  private readonly tombstones: string;

  constructor(private readonly db: Database) {
    const schema = quoteIdent(db.schema);
    this.table = `${schema}.agents`;
    this.tombstones = `${schema}.agent_tombstones`;
  }

  async list(orgId: string, page: PageParams): Promise<Page<AgentRow>> {
    return selectPage<AgentRow>(this.db, `${this.table} WHERE org_id = $1`, [orgId], 'created_at, agent_id', page);
  }

  /** Throws `not_found` for an unknown agent (or another org's). */
  async get(orgId: string, agentId: string): Promise<AgentRow> {
    const row = await this.find(orgId, agentId);
    if (!row) throw new ServiceError('not_found', `agent ${agentId} not found`);
    return row;
  }

  async find(orgId: string, agentId: string): Promise<AgentRow | undefined> {
    const rows = await this.db.query<AgentRow>(`SELECT * FROM ${this.table} WHERE org_id = $1 AND agent_id = $2`, [
      orgId,
      agentId,
    ]);
    return rows[0];
  }

  /** Removes the agent's tombstone, if any, and returns its version (a re-created agent continues it). */
  async takeTombstoneVersion(client: SqlClient, orgId: string, agentId: string): Promise<number | undefined> {
    const tomb = await client.query<{ version: number }>(
      `DELETE FROM ${this.tombstones} WHERE org_id = $1 AND agent_id = $2 RETURNING version`,
      [orgId, agentId],
    );
    return tomb.rows[0]?.version;
  }

  /** Inserts an agent at `version`; undefined when the id is taken in the org (nothing written). */
  async insert(
    client: SqlClient,
    orgId: string,
    agentId: string,
    fields: AgentFields,
    version: number,
  ): Promise<AgentRow | undefined> {
    const inserted = await client.query<AgentRow>(
      `INSERT INTO ${this.table} (org_id, agent_id, name, kind, provider, variables, config, version, sealed_secrets, secret_names)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8, $9, $10::jsonb) ON CONFLICT (org_id, agent_id) DO NOTHING RETURNING *`,
      [
        orgId,
        agentId,
        fields.name,
        fields.kind,
        fields.provider,
        JSON.stringify(fields.variables),
        JSON.stringify(fields.config),
        version,
        fields.sealed_secrets,
        JSON.stringify(fields.secret_names),
      ],
    );
    return inserted.rows[0];
  }

  /** The agent's row, locked until the transaction ends; undefined for an unknown agent. */
  async selectForUpdate(client: SqlClient, orgId: string, agentId: string): Promise<AgentRow | undefined> {
    return (
      await client.query<AgentRow>(`SELECT * FROM ${this.table} WHERE org_id = $1 AND agent_id = $2 FOR UPDATE`, [
        orgId,
        agentId,
      ])
    ).rows[0];
  }

  /** Writes the agent's new fields and bumps its version (call with the row locked). */
  async update(client: SqlClient, orgId: string, agentId: string, fields: AgentFields): Promise<AgentRow> {
    const updated = await client.query<AgentRow>(
      `UPDATE ${this.table} SET name = $3, kind = $4, provider = $5, variables = $6::jsonb, config = $7::jsonb, sealed_secrets = $8, secret_names = $9::jsonb,
         version = version + 1, updated_at = now() WHERE org_id = $1 AND agent_id = $2 RETURNING *`,
      [
        orgId,
        agentId,
        fields.name,
        fields.kind,
        fields.provider,
        JSON.stringify(fields.variables),
        JSON.stringify(fields.config),
        fields.sealed_secrets,
        JSON.stringify(fields.secret_names),
      ],
    );
    return updated.rows[0];
  }

  /** Deletes the agent; returns its last row, undefined when there was none. */
  async delete(client: SqlClient, orgId: string, agentId: string): Promise<AgentRow | undefined> {
    return (
      await client.query<AgentRow>(`DELETE FROM ${this.table} WHERE org_id = $1 AND agent_id = $2 RETURNING *`, [
        orgId,
        agentId,
      ])
    ).rows[0];
  }

  /** Writes (or replaces) the tombstone of a deleted agent at `version`. */
  async upsertTombstone(
    client: SqlClient,
    row: Pick<AgentRow, 'org_id' | 'agent_id' | 'name' | 'kind' | 'provider'>,
    version: number,
  ): Promise<AgentTombstoneRow> {
    const tomb = await client.query<AgentTombstoneRow>(
      `INSERT INTO ${this.tombstones} (org_id, agent_id, name, kind, provider, version) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (org_id, agent_id) DO UPDATE SET name = EXCLUDED.name, kind = EXCLUDED.kind, provider = EXCLUDED.provider,
         version = EXCLUDED.version, deleted_at = now() RETURNING *`,
      [row.org_id, row.agent_id, row.name, row.kind, row.provider, version],
    );
    return tomb.rows[0];
  }

  /** Every agent, in the caller's transaction (the start-up republication). */
  async listInTx(client: SqlClient): Promise<AgentRow[]> {
    return (await client.query<AgentRow>(`SELECT * FROM ${this.table} ORDER BY org_id, agent_id`)).rows;
  }

  /** Every tombstone, in the caller's transaction (the start-up republication). */
  async listTombstonesInTx(client: SqlClient): Promise<AgentTombstoneRow[]> {
    return (await client.query<AgentTombstoneRow>(`SELECT * FROM ${this.tombstones} ORDER BY org_id, agent_id`)).rows;
  }
}
