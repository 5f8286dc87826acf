import { Injectable } from '@nestjs/common';
import { ResultsPage, ResultsPageQuery } from '@outdial/contracts';
import { ServiceError } from '@outdial/service-runtime';

import { nextFetchSize, RecordSizeHints } from '../../domain/results-fetch-size';
import { ResultsPageBuilder } from '../../domain/results-page-builder';
import { exportedVariableColumns, resultsHeaderLine, resultsTupleLine } from '../../domain/results-row';
import { BatchReadModelRepository } from '../../persistence/batch-read-model.repository';
import { ContactReadModelRepository } from '../../persistence/contact-read-model.repository';

/**
 * One page of the results CSV, keyset-paginated by row so that page N costs the same as page 1
 * on a million contacts. The gateway asks page after page and streams them out.
 *
 * Memory is what a page needs, whatever the batch size: rows are read as flat arrays (no object per
 * contact, no parsed `variables` object: only the exported variables, as text), the timestamp comes
 * formatted by PostgreSQL, and each read asks for about as many rows as the rest of the page holds
 * (judged by the export's previous page), so few rows are read only to be thrown away.
 *
 * @throws ServiceError `not_found` for a missing batch or another org's
 */
@Injectable()
export class GetResultsPageUseCase {
  private readonly recordSizes = new RecordSizeHints();

  constructor(
    private readonly batches: BatchReadModelRepository,
    private readonly contacts: ContactReadModelRepository,
  ) {}

  async execute(query: ResultsPageQuery): Promise<ResultsPage> {
    const batch = await this.batches.findColumns(query.batch_id, query.org_id, ['variable_columns']);
    if (!batch) throw new ServiceError('not_found', 'batch not found');
    const variables = exportedVariableColumns(batch.variable_columns);
    const page = new ResultsPageBuilder(
      query.max_bytes,
      query.after_row === 0 ? resultsHeaderLine(batch.variable_columns) : undefined,
    );
    const hintKey = `${query.batch_id}\u0000${query.filter}`;
    let averageRecordBytes = this.recordSizes.get(hintKey);
    let after = query.after_row;
    let exhausted = false;
    while (!page.isFull) {
      const limit = nextFetchSize(query.max_bytes - page.byteCount, averageRecordBytes);
      const rows = await this.contacts.resultsRows(query.batch_id, query.filter, after, limit, variables);
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
}
