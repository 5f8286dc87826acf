import { Injectable } from '@nestjs/common';
import { BatchActivityItem, BatchActivityQuery, ListPage } from '@outdial/contracts';
import { Database, ServiceError } from '@outdial/service-runtime';
import { loadActivityPage } from '../../persistence/batch-activity';
import { ReportingTables, reportingTables } from '../../persistence/reporting-tables';

/**
 * A page of a batch's activity log (created, started, paused by whom or why, resumed, retries
 * scheduled per minute, auto-paused with the numbers that tripped it, completed, failed), oldest
 * first. Another org's batch is `not_found`, like a missing one.
 */
@Injectable()
export class GetBatchActivityUseCase {
  private readonly tables: ReportingTables;

  constructor(private readonly db: Database) {
    this.tables = reportingTables(db);
  }

  async execute(query: BatchActivityQuery): Promise<ListPage<BatchActivityItem>> {
    const owned = await this.db.query(`SELECT 1 FROM ${this.tables.batches} WHERE batch_id = $1 AND org_id = $2`, [query.batch_id, query.org_id]);
    if (owned.length === 0) throw new ServiceError('not_found', 'batch not found');
    return loadActivityPage(this.db.pool, this.tables, query.batch_id, query.page, query.page_size);
  }
}
