import { Inject, Injectable } from '@nestjs/common';
import { CreateBatchCommand, ValidateBatchResult } from '@outdial/contracts';
import { SERVICE_CONFIG } from '@outdial/service-runtime';

import { PhoneNormalizers } from '../../adapters/phones/phone-normalizers';
import { UploadReader } from '../../adapters/uploads/upload-reader';
import {
  batchEstimates,
  batchRowValidator,
  CallEstimateSettings,
  checkedRegion,
  validationOutcome,
} from '../../domain/batch-validation';
import { resolveColumnLayout } from '../../domain/column-layout';
import { validatedRows } from '../../domain/validated-rows';
import { IngestEnv } from '../../ingest-env';
import { IngestMetrics } from '../../ingest-metrics';
import { SuppressionRepository } from '../../persistence/suppression.repository';

/**
 * The dry run of a create (`v1.rpc.ingest.validate_batch`): the same reading and validation as
 * `IngestBatchUseCase`, the same report and estimates (or the same error), nothing stored; the
 * upload is deleted either way.
 */
@Injectable()
export class ValidateBatchUseCase {
  private readonly estimates: CallEstimateSettings;

  constructor(
    private readonly suppression: SuppressionRepository,
    private readonly uploads: UploadReader,
    private readonly phones: PhoneNormalizers,
    private readonly metrics: IngestMetrics,
    @Inject(SERVICE_CONFIG) private readonly config: IngestEnv,
  ) {
    this.estimates = { estimatedCallMinutes: config.ESTIMATED_CALL_MINUTES, costPerMinute: config.COST_PER_MINUTE };
  }

  async execute(command: CreateBatchCommand): Promise<ValidateBatchResult> {
    checkedRegion(command.settings.default_region);
    try {
      const report = await this.uploads.withTable(command.upload, async (table) => {
        const layout = resolveColumnLayout(table.headers, command.column_mapping);
        const validator = batchRowValidator(layout, command, await this.suppression.phonesOf(command.org_id));
        const limits = { maxRows: this.config.INGEST_MAX_ROWS, maxColumns: this.config.INGEST_MAX_COLUMNS };
        const rows = validatedRows(
          table,
          validator,
          this.phones.forUpload(command.upload.size),
          command.settings.default_region,
          limits,
        );
        for await (const contacts of rows) void contacts;
        return validationOutcome(validator);
      });
      this.metrics.rowsIngested.inc({ mode: 'validate' }, report.total_rows + report.empty_rows);
      const { dialable, ...validation } = report;
      return batchEstimates(command, validation, dialable, this.estimates);
    } finally {
      await this.uploads.discard(command.upload);
    }
  }
}
