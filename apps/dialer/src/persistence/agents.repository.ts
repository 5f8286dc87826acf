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

/** Typed SQL over `dialer.agents`: what the gateway announced about each agent (secrets only sealed). */
@Injectable()
export class AgentsRepository {
  private readonly table: string;

  constructor(private readonly db: Database) {
    this.table = `${quoteIdent(db.schema)}.agents`;
  }

  async apply(client: SqlClient, event: AgentChangedEvent): Promise<boolean> {
    const result = await client.query(
      `INSERT INTO ${this.table} AS a (org_id, agent_id, provider, config, deleted, version, sealed_secrets) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (org_id, agent_id) DO UPDATE
          SET provider = EXCLUDED.provider, config = EXCLUDED.config, deleted = EXCLUDED.deleted, version = EXCLUDED.version, sealed_secrets = EXCLUDED.sealed_secrets
        WHERE a.version < EXCLUDED.version`,
      [event.org_id, event.agent_id, event.provider, JSON.stringify(event.config ?? {}), event.deleted, event.version, event.sealed_secrets ?? null],
    );
    return (result.rowCount ?? 0) > 0;
  }

  async find(orgId: string, agentId: string): Promise<AgentRow | null> {
    const rows = await this.db.query<AgentRow>(`SELECT * FROM ${this.table} WHERE org_id = $1 AND agent_id = $2`, [orgId, agentId]);
    return rows[0] ?? null;
  }
}
