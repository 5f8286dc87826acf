import { Injectable } from '@nestjs/common';
import { Clock, Database } from '@outdial/service-runtime';
import { historyCutoff } from '../../domain/webhook-attempts';
import { ReportingTables, reportingTables } from '../../persistence/reporting-tables';
import { ReportingEnv } from '../../reporting-env';

/** Rows deleted per statement: short transactions, no long lock on the table. */
const PRUNE_SLICE = 5_000;

/**
 * Deletes the webhook deliveries that finished (delivered or failed) more than
 * WEBHOOK_HISTORY_RETENTION_DAYS ago, with their tries (ON DELETE CASCADE). Pending deliveries
 * are never pruned, however old. Replicas may run it at once: each slice skips rows another one
 * holds.
 *
 * @returns the number of deliveries deleted
 */
@Injectable()
export class PruneWebhookHistoryUseCase {
  private readonly tables: ReportingTables;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly env: ReportingEnv,
  ) {
    this.tables = reportingTables(db);
  }

  async execute(): Promise<number> {
    const cutoff = historyCutoff(this.clock.now(), this.env.WEBHOOK_HISTORY_RETENTION_DAYS);
    let deleted = 0;
    for (;;) {
      const rows = await this.db.query<{ delivery_id: string }>(
        `DELETE FROM ${this.tables.webhookDeliveries}
          WHERE delivery_id IN (
            SELECT delivery_id FROM ${this.tables.webhookDeliveries}
             WHERE finished_at < $1 AND status <> 'pending'
             LIMIT $2
             FOR UPDATE SKIP LOCKED
          )
        RETURNING delivery_id`,
        [cutoff, PRUNE_SLICE],
      );
      deleted += rows.length;
      if (rows.length < PRUNE_SLICE) return deleted;
    }
  }
}
