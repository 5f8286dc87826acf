import { Injectable } from '@nestjs/common';
import { AgentChangedEvent } from '@outdial/contracts';
import { Database, quoteIdent, SqlClient } from '@outdial/service-runtime';

export interface AgentRow {
  org_id: string;
  agent_id: string;
  provider: string;
  config: Record<string, unknown>;
  /** The provider secrets as the gateway sealed them; opened only to dial. */
  sealed_secrets: string | null;
  deleted: boolean;
  version: number;
}

/**
 * Typed SQL over the dialer schema's `agents` (schema from `Database`): what the gateway announced
 * about each agent on `v1.org.agent_changed` (provider, config; secrets only sealed).
 *
 * Transactions and locks: `apply` runs inside the caller's transaction (an upsert guarded by
 * `version`: the highest wins, no explicit lock). `find` is a single read on the pool, outside any
 * transaction: PlaceCallUseCase reads the agent before admission, not under the org lock.
 */
@Injectable()
export class AgentsRepository {
  private readonly table: string;

  constructor(private readonly db: Database) {
    this.table = `${quoteIdent(db.schema)}.agents`;
  }

  /** Applies an announcement unless an equal or higher version was applied; returns whether it was. */
  async apply(client: SqlClient, event: AgentChangedEvent): Promise<boolean> {
    const result = await client.query(
      `INSERT INTO ${this.table} AS a (org_id, agent_id, provider, config, deleted, version, sealed_secrets) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (org_id, agent_id) DO UPDATE
          SET provider = EXCLUDED.provider, config = EXCLUDED.config, deleted = EXCLUDED.deleted, version = EXCLUDED.version, sealed_secrets = EXCLUDED.sealed_secrets
        WHERE a.version < EXCLUDED.version`,
      [
        event.org_id,
        event.agent_id,
        event.provider,
        JSON.stringify(event.config ?? {}),
        event.deleted,
        event.version,
        event.sealed_secrets ?? null,
      ],
    );
    return (result.rowCount ?? 0) > 0;
  }

  /** The agent as last announced (deleted ones included, flagged), or null when never announced. */
  async find(orgId: string, agentId: string): Promise<AgentRow | null> {
    const rows = await this.db.query<AgentRow>(`SELECT * FROM ${this.table} WHERE org_id = $1 AND agent_id = $2`, [
      orgId,
      agentId,
    ]);
    return rows[0] ?? null;
  }
}
