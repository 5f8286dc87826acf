import { Injectable } from '@nestjs/common';
import { BatchListItem, ListBatchesQuery, ListPage } from '@outdial/contracts';
import { Clock, Database } from '@outdial/service-runtime';
import { BatchReadModel } from '../../domain/batch-read-model';
import { toBatchStatusView } from '../../domain/batch-status-view';
import { escapeLike } from '../../domain/contacts-filter';
import { ReportingTables, reportingTables } from '../../persistence/reporting-tables';

/** `GET /api/batch-calls`: the org's batches, newest first, each with its SPEC §8 numbers. */
@Injectable()
export class ListBatchesUseCase {
  private readonly tables: ReportingTables;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {
    this.tables = reportingTables(db);
  }

  async execute(query: ListBatchesQuery): Promise<ListPage<BatchListItem>> {
    const params: unknown[] = [query.org_id];
    const clauses = ['org_id = $1'];
    if (query.status && query.status.length > 0) {
      params.push(query.status);
      clauses.push(`status = ANY($${params.length}::text[])`);
    }
    const search = query.search?.trim();
    if (search) {
      params.push(`%${escapeLike(search)}%`);
      clauses.push(`(name ILIKE $${params.length} OR batch_id ILIKE $${params.length})`);
    }
    const where = clauses.join(' AND ');
    const [{ total }] = await this.db.query<{ total: number }>(`SELECT count(*) AS total FROM ${this.tables.batches} WHERE ${where}`, params);
    const rows = await this.db.query<BatchReadModel>(
      `SELECT * FROM ${this.tables.batches} WHERE ${where} ORDER BY created_at DESC, batch_id DESC LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, query.page_size, (query.page - 1) * query.page_size],
    );
    const now = this.clock.now();
    const items = rows.map((row) => {
      const { errors: _errors, ...item } = toBatchStatusView(row, [], now);
      return item;
    });
    return { items, total, page: query.page, page_size: query.page_size };
  }
}
