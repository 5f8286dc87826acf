import { Inject, Injectable } from '@nestjs/common';
import { SuppressionImportCommand, SuppressionImportResult } from '@outdial/contracts';
import { Logger, SERVICE_CONFIG, SERVICE_LOGGER, ServiceError } from '@outdial/service-runtime';

import { UploadReader } from '../../adapters/uploads/upload-reader';
import { checkedRegion } from '../../domain/batch-validation';
import { resolveColumnLayout } from '../../domain/column-layout';
import { REPORTED_ISSUES } from '../../domain/contact-row';
import { ContactTable } from '../../domain/contact-table';
import { normalizePhone } from '../../domain/phone-normalizer';
import { IngestEnv } from '../../ingest-env';
import { SuppressionRepository } from '../../persistence/suppression.repository';

/** Numbers written per INSERT while importing. */
const INSERT_BLOCK = 5000;

/**
 * Imports an uploaded CSV of numbers into the org's do-not-call list: a phone column as for
 * batches, or a single column of numbers without a header. Invalid rows are counted and reported
 * (the first `REPORTED_ISSUES`), the rest added; the upload is deleted either way. Fails with the
 * upload's errors, `too_many_rows` (over `INGEST_MAX_ROWS`), `validation_failed` (region).
 */
@Injectable()
export class ImportSuppressionUseCase {
  constructor(
    private readonly suppression: SuppressionRepository,
    private readonly uploads: UploadReader,
    @Inject(SERVICE_CONFIG) private readonly config: IngestEnv,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {}

  async execute(command: SuppressionImportCommand): Promise<SuppressionImportResult> {
    const region = checkedRegion(command.default_region);
    const result: SuppressionImportResult = {
      total_rows: 0,
      added: 0,
      already_present: 0,
      invalid_rows: 0,
      empty_rows: 0,
      issues: [],
    };
    try {
      await this.uploads.withTable(command.upload, async (table) => {
        const { phoneIndex, headerIsData } = this.phoneColumn(table, region);
        let block: string[] = [];
        const flush = async () => {
          const unique = [...new Set(block)];
          const added = await this.suppression.addMany(command.org_id, unique, command.reason ?? null);
          result.added += added;
          result.already_present += block.length - added;
          block = [];
        };
        const take = (raw: string, row: number) => {
          if (raw.trim() === '') {
            result.empty_rows++;
            return;
          }
          if (++result.total_rows > this.config.INGEST_MAX_ROWS) {
            throw new ServiceError(
              'too_many_rows',
              `the file has more than the limit of ${this.config.INGEST_MAX_ROWS} rows`,
              { limit_rows: this.config.INGEST_MAX_ROWS },
            );
          }
          const phone = normalizePhone(raw, region);
          if (phone.ok) block.push(phone.e164);
          else {
            result.invalid_rows++;
            if (result.issues.length < REPORTED_ISSUES)
              result.issues.push({
                row,
                phone: raw.trim(),
                code: 'invalid_phone',
                message: `${phone.reason}: "${raw.trim()}"`,
              });
          }
        };
        let row = 0;
        if (headerIsData) take(table.headers[phoneIndex], ++row);
        for await (const batch of table.rows) {
          for (const cells of batch) {
            take(cells[phoneIndex] ?? '', ++row);
            if (block.length >= INSERT_BLOCK) await flush();
          }
        }
        await flush();
      });
    } finally {
      await this.uploads.discard(command.upload);
    }
    this.logger.info(
      { org_id: command.org_id, added: result.added, rows: result.total_rows },
      'suppression list imported',
    );
    return result;
  }

  private phoneColumn(table: ContactTable, region: string): { phoneIndex: number; headerIsData: boolean } {
    try {
      return { phoneIndex: resolveColumnLayout(table.headers).phone, headerIsData: false };
    } catch (error) {
      // A bare list of numbers: one column whose first line is already a number.
      if (table.headers.length === 1 && normalizePhone(table.headers[0], region).ok)
        return { phoneIndex: 0, headerIsData: true };
      throw error;
    }
  }
}
