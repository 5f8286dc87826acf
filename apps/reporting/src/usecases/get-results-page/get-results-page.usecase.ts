import { Injectable } from '@nestjs/common';
import { ResultsFilter, ResultsPage, ResultsPageQuery } from '@outdial/contracts';
import { Database, ServiceError } from '@outdial/service-runtime';
import { ResultsPageBuilder } from '../../domain/results-page-builder';
import { ResultsTuple, exportedVariableColumns, resultsHeaderLine, resultsTupleLine } from '../../domain/results-row';
import { ReportingTables, reportingTables } from '../../persistence/reporting-tables';
import { RecordSizeHints, nextFetchSize } from './fetch-size';

/** Each filter matches one partial index (or the plain (batch_id, row) index for `all`). */
const FILTER_SQL: Record<ResultsFilter, string> = {
  all: '',
  successful: `AND final AND status = 'completed'`,
  failed: `AND final AND status <> 'completed'`,
};

/**
 * One page of the results CSV, keyset-paginated by row so that page N costs the same as page 1
 * on a million contacts. The gateway asks page after page and streams them out.
 *
 * Memory is what a page needs, whatever the batch size: rows are read as flat arrays (no object per
 * contact, no parsed `variables` object: only the exported variables, as text), the timestamp comes
 * formatted by PostgreSQL, and each read asks for about as many rows as the rest of the page holds
 * (judged by the export's previous page), so few rows are read only to be thrown away.
 */
@Injectable()
export class GetResultsPageUseCase {
  private readonly tables: ReportingTables;
  private readonly recordSizes = new RecordSizeHints();

  constructor(private readonly db: Database) {
    this.tables = reportingTables(db);
  }

  async execute(query: ResultsPageQuery): Promise<ResultsPage> {
    const [batch] = await this.db.query<{ variable_columns: string[] }>(
      `SELECT variable_columns FROM ${this.tables.batches} WHERE batch_id = $1 AND org_id = $2`,
      [query.batch_id, query.org_id],
    );
    if (!batch) throw new ServiceError('not_found', 'batch not found');
    const variables = exportedVariableColumns(batch.variable_columns);
    const sql = this.pageSql(query.filter, variables.length);
    const page = new ResultsPageBuilder(query.max_bytes, query.after_row === 0 ? resultsHeaderLine(batch.variable_columns) : undefined);
    const hintKey = `${query.batch_id}\u0000${query.filter}`;
    let averageRecordBytes = this.recordSizes.get(hintKey);
    let after = query.after_row;
    let exhausted = false;
    while (!page.isFull) {
      const limit = nextFetchSize(query.max_bytes - page.byteCount, averageRecordBytes);
      const result = await this.db.pool.query<ResultsTuple & unknown[]>({ text: sql, values: [query.batch_id, after, limit, ...variables], rowMode: 'array' });
      const rows = result.rows;
      for (let i = 0; i < rows.length; i++) {
        const tuple = rows[i];
        if (!page.tryAdd(tuple[0], resultsTupleLine(tuple))) break;
      }
      if (rows.length < limit) {
        exhausted = true;
        break;
      }
      after = rows[rows.length - 1][0];
      if (page.recordCount > 0) averageRecordBytes = page.recordBytes / page.recordCount;
    }
    if (page.recordCount > 0) this.recordSizes.set(hintKey, page.recordBytes / page.recordCount);
    return page.finish(exhausted);
  }

  /** Columns in ResultsTuple order; `$4...` are the exported variable names. */
  private pageSql(filter: ResultsFilter, variableCount: number): string {
    let variables = '';
    for (let i = 0; i < variableCount; i++) variables += `, variables ->> $${i + 4}`;
    return `SELECT row, phone, name, status, final, attempts, last_outcome,
                   to_char(last_attempt_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                   duration_seconds, failure_reason, call_id, recording_url, transcript${variables}
              FROM ${this.tables.contacts}
             WHERE batch_id = $1 AND row > $2 ${FILTER_SQL[filter]}
             ORDER BY row
             LIMIT $3`;
  }
}
