import { randomBytes } from 'node:crypto';

import { Inject, Injectable } from '@nestjs/common';
import { CreateBatchCommand, CreateBatchResult } from '@outdial/contracts';
import { Clock, Database, Logger, SERVICE_CONFIG, SERVICE_LOGGER, ServiceError } from '@outdial/service-runtime';
import { PoolClient } from 'pg';

import { PhoneNormalizers } from '../../adapters/phones/phone-normalizers';
import { HandOverSpool, SpooledChunks } from '../../adapters/spool/hand-over-spool';
import { HandOverSpools } from '../../adapters/spool/hand-over-spools';
import { UploadReader } from '../../adapters/uploads/upload-reader';
import {
  batchEstimates,
  batchRowValidator,
  CallEstimateSettings,
  checkedRegion,
  estimatedCost,
  ValidationOutcome,
  validationOutcome,
} from '../../domain/batch-validation';
import { resolveColumnLayout } from '../../domain/column-layout';
import { ContactIdSequence } from '../../domain/contact-ids';
import { contactJson } from '../../domain/contact-json';
import { ContactRowValidator } from '../../domain/contact-row';
import { ContactTable } from '../../domain/contact-table';
import { validatedRows } from '../../domain/validated-rows';
import { IngestEnv } from '../../ingest-env';
import { IngestMetrics } from '../../ingest-metrics';
import { BatchesRepository } from '../../persistence/batches.repository';
import { ContactsRepository } from '../../persistence/contacts.repository';
import { SuppressionRepository } from '../../persistence/suppression.repository';
import { ValidationIssuesRepository } from '../../persistence/validation-issues.repository';
import { HandOverBatchUseCase } from '../hand-over-batch/hand-over-batch.usecase';

/**
 * Creates a batch from an upload (`v1.rpc.ingest.create_batch`, SPEC §2) in one transaction (the
 * batch with all its valid contacts, or nothing): stream the file, validate rows, COPY contacts,
 * then hand the batch over to the scheduler and reporting. The upload is deleted either way.
 * Fails with (a `ServiceError`, or an `IngestRefusal` the handler turns into one): `validation_failed`
 * (region), `conflict` (batch id exists), the upload's errors (`payload_too_large`, `not_found`,
 * `invalid_utf8`, `invalid_file`, `too_many_rows`...), `unprocessable` (no contact to store).
 */
@Injectable()
export class IngestBatchUseCase {
  private readonly estimates: CallEstimateSettings;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly batches: BatchesRepository,
    private readonly contacts: ContactsRepository,
    private readonly issues: ValidationIssuesRepository,
    private readonly suppression: SuppressionRepository,
    private readonly handOver: HandOverBatchUseCase,
    private readonly uploads: UploadReader,
    private readonly phones: PhoneNormalizers,
    private readonly spools: HandOverSpools,
    private readonly metrics: IngestMetrics,
    @Inject(SERVICE_CONFIG) private readonly config: IngestEnv,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {
    this.estimates = { estimatedCallMinutes: config.ESTIMATED_CALL_MINUTES, costPerMinute: config.COST_PER_MINUTE };
  }

  async execute(command: CreateBatchCommand): Promise<CreateBatchResult> {
    checkedRegion(command.settings.default_region);
    if (await this.batches.exists(command.batch_id))
      throw new ServiceError('conflict', `batch ${command.batch_id} already exists`);
    const started = Date.now();
    let spooled: SpooledChunks | undefined;
    try {
      const stored = await this.uploads.withTable(command.upload, (table) => this.store(command, table));
      spooled = stored.spooled;
      const report = stored.outcome;
      this.metrics.rowsIngested.inc({ mode: 'create' }, report.total_rows + report.empty_rows);
      this.logger.info(
        { batch_id: command.batch_id, rows: report.total_rows, ms: Date.now() - started },
        'batch ingested',
      );
      await this.handOver.execute({ batch_id: command.batch_id, spooled });
      const { dialable, ...validation } = report;
      return {
        batch_id: command.batch_id,
        status: command.initial_status,
        ...batchEstimates(command, validation, dialable, this.estimates),
      };
    } finally {
      await spooled?.discard();
      await this.uploads.discard(command.upload);
    }
  }

  private async store(
    command: CreateBatchCommand,
    table: ContactTable,
  ): Promise<{ outcome: ValidationOutcome; spooled: SpooledChunks }> {
    const layout = resolveColumnLayout(table.headers, command.column_mapping);
    const validator = batchRowValidator(layout, command, await this.suppression.phonesOf(command.org_id));
    const spool = await this.spools.create(command.batch_id);
    let spooled: SpooledChunks | undefined;
    const createdAt = this.clock.now();

    try {
      return await this.db.tx(async (client) => {
        await this.copyContacts(client, command, table, validator, spool);
        spooled = await spool.finish();
        const outcome = validationOutcome(validator);
        await this.issues.insertAll(client, command.batch_id, validator.issues);
        const { issues: _issues, dialable: _dialable, ...counts } = outcome;
        await this.batches.insert(client, {
          command,
          variableColumns: layout.variableNames,
          validation: counts,
          totalContacts: validator.stored,
          dialableContacts: validator.dialable,
          estimatedCost: estimatedCost(validator.dialable, this.estimates),
          createdAt,
          chunkEnds: spooled.chunkEnds,
        });
        return { outcome, spooled };
      });
    } catch (error) {
      await (spooled ? spooled.discard() : spool.discard());
      throw error;
    }
  }

  /**
   * The hot loop of a large file: each validated contact goes to the hand-over spool (its message
   * JSON) and to the COPY (its table line); either side's backpressure is awaited only when full.
   */
  private async copyContacts(
    client: PoolClient,
    command: CreateBatchCommand,
    table: ContactTable,
    validator: ContactRowValidator,
    spool: HandOverSpool,
  ): Promise<void> {
    const copy = this.contacts.copyIn(client, command.batch_id);
    const contactIds = new ContactIdSequence(this.clock.now().getTime(), randomBytes(16));
    const limits = { maxRows: this.config.INGEST_MAX_ROWS, maxColumns: this.config.INGEST_MAX_COLUMNS };
    try {
      const rows = validatedRows(
        table,
        validator,
        this.phones.forUpload(command.upload.size),
        command.settings.default_region,
        limits,
      );
      for await (const contacts of rows) {
        for (const contact of contacts) {
          const contactId = contactIds.next();
          const variables = JSON.stringify(contact.variables);
          const spoolFull = spool.add(contact.row, contactJson(contactId, contact, variables));
          if (spoolFull) await spoolFull;
          const copyFull = copy.add(contactId, contact, variables);
          if (copyFull) await copyFull;
        }
      }
    } catch (error) {
      await copy.abort(error as Error);
      throw error;
    }
    await copy.end();
  }
}
