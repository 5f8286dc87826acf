import { Injectable } from '@nestjs/common';
import { Database } from '@outdial/service-runtime';

import { ReportingTables, reportingTables } from './reporting-tables';

/**
 * When each batch's live progress was last sent, by any replica (`progress_slots`, one row per
 * batch, deleted with the batch): the shared slot that keeps progress at most one message per batch
 * per interval however many reporting replicas apply the batch's events. Schema from `Database`.
 *
 * Transactions and locks: `claim` is one autocommit statement on the pool (an upsert that locks
 * only the batch's slot row, never the batch row, so it never waits for the event writers); the
 * database's clock decides, so replicas on different hosts agree.
 */
@Injectable()
export class ProgressSlotsRepository {
  private readonly tables: ReportingTables;

  constructor(private readonly db: Database) {
    this.tables = reportingTables(db);
  }

  /**
   * Takes the batch's progress slot when nobody sent its progress in the last `intervalMs`.
   *
   * @returns true when this caller may send now (the slot is stamped with the database time)
   */
  async claim(batchId: string, intervalMs: number): Promise<boolean> {
    const rows = await this.db.query(
      `INSERT INTO ${this.tables.progressSlots} AS p (batch_id, sent_at) VALUES ($1, clock_timestamp())
       ON CONFLICT (batch_id) DO UPDATE SET sent_at = EXCLUDED.sent_at
        WHERE p.sent_at <= clock_timestamp() - make_interval(secs => $2::float8 / 1000)
       RETURNING 1 AS claimed`,
      [batchId, intervalMs],
    );
    return rows.length === 1;
  }
}
