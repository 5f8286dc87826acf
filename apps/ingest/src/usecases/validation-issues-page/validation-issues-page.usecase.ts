import { Injectable } from '@nestjs/common';
import { IssuesPage, IssuesPageQuery, RowIssue } from '@outdial/contracts';
import { Database, ServiceError } from '@outdial/service-runtime';
import { issuesPage } from '../../domain/issues-csv';

/** Rows of issues fetched per page (a row has at most a few issues). */
const ROWS_PER_PAGE = 2000;

/** The full validation issue list of a batch as CSV pages; another org's batch is not found. */
@Injectable()
export class IssuesPageUseCase {
  constructor(private readonly db: Database) {}

  async execute(query: IssuesPageQuery): Promise<IssuesPage> {
    const owned = await this.db.query(`SELECT 1 FROM ingest.batches WHERE batch_id = $1 AND org_id = $2`, [query.batch_id, query.org_id]);
    if (owned.length === 0) throw new ServiceError('not_found', `batch ${query.batch_id} not found`);
    // The last row of this page, so that the page holds whole rows: the ROWS_PER_PAGE-th distinct row.
    const [bound] = await this.db.query<{ row: number }>(
      `SELECT row FROM (SELECT DISTINCT row FROM ingest.validation_issues WHERE batch_id = $1 AND row > $2 ORDER BY row LIMIT $3) r
        ORDER BY row DESC LIMIT 1`,
      [query.batch_id, query.after_row, ROWS_PER_PAGE],
    );
    if (!bound) return issuesPage([], query.max_bytes, query.after_row === 0, false);
    const issues = await this.db.query<RowIssue>(
      `SELECT row, phone, code, message FROM ingest.validation_issues
        WHERE batch_id = $1 AND row > $2 AND row <= $3 ORDER BY row, ctid`,
      [query.batch_id, query.after_row, bound.row],
    );
    const [after] = await this.db.query(`SELECT 1 FROM ingest.validation_issues WHERE batch_id = $1 AND row > $2 LIMIT 1`, [query.batch_id, bound.row]);
    return issuesPage(issues, query.max_bytes, query.after_row === 0, after !== undefined);
  }
}
