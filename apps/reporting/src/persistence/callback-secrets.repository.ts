import { Injectable } from '@nestjs/common';
import { Database, SqlClient } from '@outdial/service-runtime';

import { newWebhookSecret } from '../adapters/webhook-secret';
import { ReportingTables, reportingTables } from './reporting-tables';

/**
 * Each org's secret for signing deliveries to batch `callback_url`s (`callback_secrets`, one row
 * per org, made on first ask or first use, never changed). Schema from `Database`.
 *
 * Transactions and locks: `ensure` is one `INSERT ... ON CONFLICT DO NOTHING` (the org key
 * serializes racing first uses: exactly one secret wins); it runs in the caller's transaction when
 * given its client, else on the pool. No other locks.
 */
@Injectable()
export class CallbackSecretsRepository {
  private readonly tables: ReportingTables;

  constructor(private readonly db: Database) {
    this.tables = reportingTables(db);
  }

  /** Makes the org's secret if it has none yet (a new random one). */
  async ensure(client: SqlClient, orgId: string, now: Date): Promise<void> {
    await client.query(
      `INSERT INTO ${this.tables.callbackSecrets} (org_id, secret, created_at) VALUES ($1, $2, $3) ON CONFLICT (org_id) DO NOTHING`,
      [orgId, newWebhookSecret(), now],
    );
  }

  /** The org's secret, made first if needed (two statements on the pool). */
  async getOrCreate(orgId: string, now: Date): Promise<string> {
    await this.ensure(this.db.pool, orgId, now);
    const [row] = await this.db.query<{ secret: string }>(
      `SELECT secret FROM ${this.tables.callbackSecrets} WHERE org_id = $1`,
      [orgId],
    );
    return row.secret;
  }
}
