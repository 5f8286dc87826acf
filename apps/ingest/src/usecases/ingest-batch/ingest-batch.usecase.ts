import { randomBytes } from 'node:crypto';
import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { CreateBatchCommand, CreateBatchResult, ValidateBatchResult, ValidationReport } from '@outdial/contracts';
import { Clock, Database, Logger, Metrics, SERVICE_CONFIG, SERVICE_LOGGER, ServiceError } from '@outdial/service-runtime';
import { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { Counter } from 'prom-client';
import { ColumnLayout, resolveColumnLayout } from '../../domain/column-layout';
import { ByteAccumulator } from '../../domain/byte-accumulator';
import { ContactIdSequence } from '../../domain/contact-ids';
import { contactJson } from '../../domain/contact-json';
import { ContactRowValidator, REPORTED_ISSUES } from '../../domain/contact-row';
import { copyTextValue } from '../../domain/copy-text';
import { isSupportedRegion } from '../../domain/phone-normalizer';
import { IngestEnv } from '../../ingest-env';
import { inlinePhoneNormalizer, PhoneNormalizer, WorkerPhoneNormalizer } from '../../phones/phone-normalizer-pool';
import { ContactTable } from '../../sources/contact-source';
import { HandOverBatchUseCase } from '../hand-over-batch/hand-over-batch.usecase';
import { HandOverSpool, SpooledChunks } from '../hand-over-batch/hand-over-spool';
import { UploadReader } from './upload-reader';
import { validatedRows } from './validated-rows';

/** Largest JSON of one hand-over message; NATS refuses payloads over 1 MB. */
const CHUNK_MAX_BYTES = 768 * 1024;
/** COPY data is sent to PostgreSQL in pieces of this size (fewer, larger writes). */
const COPY_WRITE_BYTES = 64 * 1024;
const NEWLINE = 0x0a;

type Outcome = ValidationReport & { dialable: number };

/**
 * Creates a batch from an upload in one transaction (the batch with all its valid contacts, or
 * nothing): stream the file, validate rows, COPY contacts, then hand the batch over to the
 * scheduler and reporting. The dry run (validate-only) runs the same reading and validation and
 * stores nothing.
 */
@Injectable()
export class CreateBatchUseCase implements OnModuleDestroy {
  private readonly workers: WorkerPhoneNormalizer | null;
  private readonly rowsIngested: Counter<'mode'>;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly handOver: HandOverBatchUseCase,
    private readonly uploads: UploadReader,
    metrics: Metrics,
    @Inject(SERVICE_CONFIG) private readonly config: IngestEnv,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {
    this.workers = WorkerPhoneNormalizer.create(config.INGEST_PHONE_WORKERS);
    this.rowsIngested = new Counter({
      name: 'outdial_ingest_rows_total',
      help: 'Upload rows read by ingest (rate = ingest rows/s), by mode (create, validate)',
      labelNames: ['mode'],
      registers: [metrics.registry],
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.workers?.close();
  }

  async execute(command: CreateBatchCommand): Promise<CreateBatchResult> {
    this.checkRegion(command);
    const existing = await this.db.query(`SELECT 1 FROM ingest.batches WHERE batch_id = $1`, [command.batch_id]);
    if (existing.length > 0) throw new ServiceError('conflict', `batch ${command.batch_id} already exists`);
    const started = Date.now();
    let spooled: SpooledChunks | undefined;
    try {
      const stored = await this.withTable(command, (table) => this.store(command, table));
      spooled = stored.spooled;
      const report = stored.outcome;
      this.rowsIngested.inc({ mode: 'create' }, report.total_rows + report.empty_rows);
      this.logger.info({ batch_id: command.batch_id, rows: report.total_rows, ms: Date.now() - started }, 'batch ingested');
      await this.handOver.execute(command.batch_id, spooled);
      const { dialable, ...validation } = report;
      return { batch_id: command.batch_id, status: command.initial_status, ...this.estimates(command, validation, dialable) };
    } finally {
      await spooled?.discard();
      await this.uploads.discard(command.upload);
    }
  }

  /** Validate-only: the same report a create would give (or the same error), nothing stored. */
  async validate(command: CreateBatchCommand): Promise<ValidateBatchResult> {
    this.checkRegion(command);
    try {
      const report = await this.withTable(command, async (table) => {
        const { validator } = await this.validatorFor(command, table);
        for await (const contacts of validatedRows(table, validator, this.normalizerFor(command), command.settings.default_region, this.limits())) void contacts;
        return this.outcome(command, validator);
      });
      this.rowsIngested.inc({ mode: 'validate' }, report.total_rows + report.empty_rows);
      const { dialable, ...validation } = report;
      return this.estimates(command, validation, dialable);
    } finally {
      await this.uploads.discard(command.upload);
    }
  }

  private checkRegion(command: CreateBatchCommand): void {
    if (!isSupportedRegion(command.settings.default_region)) {
      throw new ServiceError('validation_failed', `default_region "${command.settings.default_region}" is not a supported ISO country code`, {
        field: 'default_region',
      });
    }
  }

  private async withTable<T>(command: CreateBatchCommand, fn: (table: ContactTable) => Promise<T>): Promise<T> {
    const { table, close } = await this.uploads.open(command.upload, this.config.INGEST_MAX_FILE_BYTES);
    try {
      return await fn(table);
    } finally {
      close();
    }
  }

  private limits() {
    return { maxRows: this.config.INGEST_MAX_ROWS, maxColumns: this.config.INGEST_MAX_COLUMNS };
  }

  /** Worker threads pay off on large files only; a few hundred rows are faster inline. */
  private normalizerFor(command: CreateBatchCommand): PhoneNormalizer {
    return this.workers && command.upload.size >= this.config.INGEST_WORKER_MIN_BYTES ? this.workers : inlinePhoneNormalizer;
  }

  private async validatorFor(command: CreateBatchCommand, table: ContactTable): Promise<{ validator: ContactRowValidator; layout: ColumnLayout }> {
    const layout = resolveColumnLayout(table.headers, command.column_mapping);
    const suppressed = await this.suppressedNumbers(command.org_id);
    const validator = new ContactRowValidator(layout, {
      defaultRegion: command.settings.default_region,
      invalidPhoneHandling: command.settings.invalid_phone_handling,
      isSuppressed: (phone) => suppressed.has(phone),
    });
    return { validator, layout };
  }

  /** The report, or the error a file without any contact to store gets (create and dry run alike). */
  private outcome(command: CreateBatchCommand, validator: ContactRowValidator): Outcome {
    const counts = validator.counts;
    const stored = validator.stored;
    const issues = validator.issues.slice(0, REPORTED_ISSUES);
    if (stored === 0) {
      const message = counts.total_rows === 0 ? 'the file has no contact rows (only a header, or empty rows)' : 'the file has no contact with a valid phone number';
      throw new ServiceError('unprocessable', message, { validation: { ...counts, issues } });
    }
    return { ...counts, issues, dialable: validator.dialable };
  }

  private async store(command: CreateBatchCommand, table: ContactTable): Promise<{ outcome: Outcome; spooled: SpooledChunks }> {
    const { validator, layout } = await this.validatorFor(command, table);
    const spool = await HandOverSpool.create(this.config.INGEST_SPOOL_DIR, command.batch_id, this.config.INGEST_CHUNK_CONTACTS, CHUNK_MAX_BYTES);
    let spooled: SpooledChunks | undefined;
    const createdAt = this.clock.now();

    try {
      return await this.db.tx(async (client) => {
        await this.copyContacts(client, command, table, validator, spool);
        spooled = await spool.finish();
        const outcome = this.outcome(command, validator);
        await this.insertIssues(client, command.batch_id, validator);
        const estimatedCost = round4(validator.dialable * this.config.ESTIMATED_CALL_MINUTES * this.config.COST_PER_MINUTE);
        const { issues: _issues, dialable: _dialable, ...counts } = outcome;
        await client.query(
          `INSERT INTO ingest.batches (batch_id, org_id, name, agent_id, provider, from_number, initial_status, settings, variable_columns,
             validation, total_contacts, dialable_contacts, estimated_cost, created_at, chunk_ends)
           VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15)`,
          [
            command.batch_id,
            command.org_id,
            command.name,
            command.agent_id,
            command.provider,
            command.from_number,
            command.initial_status,
            JSON.stringify(command.settings),
            JSON.stringify(layout.variableNames),
            JSON.stringify(counts),
            validator.stored,
            validator.dialable,
            estimatedCost,
            createdAt,
            spooled.chunkEnds,
          ],
        );
        return { outcome, spooled };
      });
    } catch (error) {
      await (spooled ? spooled.discard() : spool.discard());
      throw error;
    }
  }

  private async copyContacts(client: PoolClient, command: CreateBatchCommand, table: ContactTable, validator: ContactRowValidator, spool: HandOverSpool): Promise<void> {
    const copy = client.query(copyFrom(`COPY ingest.contacts (contact_id, batch_id, row, phone, name, timezone, priority, variables, status) FROM STDIN`));
    const finished = new Promise<void>((resolve, reject) => {
      copy.on('finish', resolve);
      copy.on('error', reject);
    });
    const batchId = copyTextValue(command.batch_id);
    const contactIds = new ContactIdSequence(this.clock.now().getTime(), randomBytes(16));
    const pending = new ByteAccumulator(COPY_WRITE_BYTES);
    try {
      const rows = validatedRows(table, validator, this.normalizerFor(command), command.settings.default_region, this.limits());
      for await (const contacts of rows) {
        for (const contact of contacts) {
          const contactId = contactIds.next();
          const variables = JSON.stringify(contact.variables);
          const spoolFull = spool.add(contact.row, contactJson(contactId, contact, variables));
          if (spoolFull) await spoolFull;
          const line =
            `${contactId}\t${batchId}\t${contact.row}\t${contact.status === 'invalid_number' ? copyTextValue(contact.phone) : contact.phone}\t` +
            `${copyTextValue(contact.name)}\t${copyTextValue(contact.timezone)}\t${contact.priority}\t${copyTextValue(variables)}\t${contact.status}`;
          if (pending.length > 0 && !pending.fits(line, 1) && !copy.write(pending.take())) await new Promise((resolve) => copy.once('drain', resolve));
          pending.append(line);
          pending.appendAscii(NEWLINE);
        }
      }
    } catch (error) {
      copy.destroy(error as Error);
      await finished.catch(() => undefined);
      throw error;
    }
    if (pending.length > 0) copy.write(pending.take());
    copy.end();
    await finished;
  }

  private async insertIssues(client: PoolClient, batchId: string, validator: ContactRowValidator): Promise<void> {
    const issues = validator.issues;
    for (let i = 0; i < issues.length; i += 5000) {
      const slice = issues.slice(i, i + 5000);
      await client.query(
        `INSERT INTO ingest.validation_issues (batch_id, row, phone, code, message)
         SELECT $1, * FROM unnest($2::int[], $3::text[], $4::text[], $5::text[])`,
        [batchId, slice.map((x) => x.row), slice.map((x) => x.phone), slice.map((x) => x.code), slice.map((x) => x.message)],
      );
    }
  }

  private async suppressedNumbers(orgId: string): Promise<Set<string>> {
    const rows = await this.db.query<{ phone: string }>(`SELECT phone FROM ingest.suppressed_numbers WHERE org_id = $1`, [orgId]);
    return new Set(rows.map((r) => r.phone));
  }

  private estimates(command: CreateBatchCommand, validation: ValidationReport, dialable: number): ValidateBatchResult {
    const averageCallSeconds = this.config.ESTIMATED_CALL_MINUTES * 60;
    return {
      name: command.name,
      validation,
      estimated_cost: round4(dialable * this.config.ESTIMATED_CALL_MINUTES * this.config.COST_PER_MINUTE),
      estimated_duration_seconds: Math.ceil(dialable / command.settings.concurrency) * averageCallSeconds,
    };
  }
}

function round4(n: number): number {
  return Math.round(n * 10_000) / 10_000;
}
