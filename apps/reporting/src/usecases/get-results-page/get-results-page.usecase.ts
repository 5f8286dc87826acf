import { Injectable } from '@nestjs/common';
import { ResultsFilter, ResultsPage, ResultsPageQuery } from '@outdial/contracts';
import { Database, ServiceError } from '@outdial/service-runtime';
import { ContactReadModel } from '../../domain/contact-read-model';
import { ResultsPageBuilder } from '../../domain/results-page-builder';
import { resultsHeaderLine, resultsRecordLine } from '../../domain/results-row';
import { ReportingTables, reportingTables } from '../../persistence/reporting-tables';

/** Each filter matches one partial index (or the plain (batch_id, row) index for `all`). */
const FILTER_SQL: Record<ResultsFilter, string> = {
  all: '',
  successful: `AND final AND status = 'completed'`,
  failed: `AND final AND status <> 'completed'`,
};

/** Rows read per query while filling a page. */
const FETCH_ROWS = 2000;

/**
 * One page of the results CSV, keyset-paginated by row so that page N costs the same as page 1
 * on a million contacts. The gateway asks page after page and streams them out.
 */
@Injectable()
export class GetResultsPageUseCase {
  private readonly tables: ReportingTables;

  constructor(private readonly db: Database) {
    this.tables = reportingTables(db);
  }

  async execute(query: ResultsPageQuery): Promise<ResultsPage> {
    const [batch] = await this.db.query<{ variable_columns: string[] }>(
      `SELECT variable_columns FROM ${this.tables.batches} WHERE batch_id = $1 AND org_id = $2`,
      [query.batch_id, query.org_id],
    );
    if (!batch) throw new ServiceError('not_found', 'batch not found');
    const columns = batch.variable_columns;
    const page = new ResultsPageBuilder(query.max_bytes, query.after_row === 0 ? resultsHeaderLine(columns) : undefined);
    let after = query.after_row;
    let exhausted = false;
    while (!page.isFull) {
      const rows = await this.db.query<ContactReadModel & { row: number }>(
        `SELECT row, phone, name, variables, status, final, attempts, last_outcome, last_attempt_at,
                duration_seconds, failure_reason, call_id, recording_url, transcript
           FROM ${this.tables.contacts}
          WHERE batch_id = $1 AND row > $2 ${FILTER_SQL[query.filter]}
          ORDER BY row
          LIMIT $3`,
        [query.batch_id, after, FETCH_ROWS],
      );
      for (const contact of rows) {
        if (!page.tryAdd(contact.row, resultsRecordLine(contact, columns))) break;
      }
      if (rows.length < FETCH_ROWS) {
        exhausted = true;
        break;
      }
      after = rows[rows.length - 1].row;
    }
    return page.finish(exhausted);
  }
}
