import { Injectable } from '@nestjs/common';
import { IssuesPage, IssuesPageQuery } from '@outdial/contracts';
import { ServiceError } from '@outdial/service-runtime';

import { issuesPage } from '../../domain/issues-csv';
import { BatchesRepository } from '../../persistence/batches.repository';
import { ValidationIssuesRepository } from '../../persistence/validation-issues.repository';

/** Rows of issues fetched per page (a row has at most a few issues). */
const ROWS_PER_PAGE = 2000;

/**
 * The full validation issue list of a batch as CSV pages of whole rows, at most `max_bytes` each
 * (`v1.rpc.ingest.issues_page`). Fails with `not_found` for another org's batch.
 */
@Injectable()
export class ValidationIssuesPageUseCase {
  constructor(
    private readonly batches: BatchesRepository,
    private readonly issues: ValidationIssuesRepository,
  ) {}

  async execute(query: IssuesPageQuery): Promise<IssuesPage> {
    if (!(await this.batches.isOwnedBy(query.batch_id, query.org_id)))
      throw new ServiceError('not_found', `batch ${query.batch_id} not found`);
    // The last row of this page, so that the page holds whole rows: the ROWS_PER_PAGE-th distinct row.
    const lastRow = await this.issues.lastRowOfPage(query.batch_id, query.after_row, ROWS_PER_PAGE);
    if (lastRow === null) return issuesPage([], query.max_bytes, query.after_row === 0, false);
    const issues = await this.issues.listRows(query.batch_id, query.after_row, lastRow);
    const more = await this.issues.anyAfter(query.batch_id, lastRow);
    return issuesPage(issues, query.max_bytes, query.after_row === 0, more);
  }
}
