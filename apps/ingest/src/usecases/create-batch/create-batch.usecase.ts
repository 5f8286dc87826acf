import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import { CreateBatchCommand, CreateBatchResult, ValidationReport } from '@outdial/contracts';
import { Clock, Database, Logger, NatsBus, SERVICE_CONFIG, SERVICE_LOGGER, ServiceError } from '@outdial/service-runtime';
import { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { ChunkPlanner } from '../../domain/chunk-planner';
import { resolveColumnLayout } from '../../domain/column-layout';
import { ContactRowValidator, REPORTED_ISSUES } from '../../domain/contact-row';
import { copyTextLine } from '../../domain/copy-text';
import { isSupportedRegion } from '../../domain/phone-normalizer';
import { IngestEnv } from '../../ingest-env';
import { ContactTable, isJsonUpload, openCsv, openJsonArray } from '../../sources/contact-source';
import { HandOverBatchUseCase } from '../hand-over-batch/hand-over-batch.usecase';

/** Largest JSON of one hand-over message; NATS refuses payloads over 1 MB. */
const CHUNK_MAX_BYTES = 768 * 1024;

/**
 * Creates a batch from an upload in one transaction (the batch with all its valid contacts, or
 * nothing): stream the file, validate rows, COPY contacts, then hand the batch over to the
 * scheduler and reporting.
 */
@Injectable()
export class CreateBatchUseCase {
  constructor(
    private readonly db: Database,
    private readonly bus: NatsBus,
    private readonly clock: Clock,
    private readonly handOver: HandOverBatchUseCase,
    @Inject(SERVICE_CONFIG) private readonly config: IngestEnv,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {}

  async execute(command: CreateBatchCommand): Promise<CreateBatchResult> {
    if (!isSupportedRegion(command.settings.default_region)) {
      throw new ServiceError('validation_failed', `default_region "${command.settings.default_region}" is not a supported ISO country code`, {
        field: 'default_region',
      });
    }
    if (command.upload.size > this.config.INGEST_MAX_FILE_BYTES) {
      throw new ServiceError('payload_too_large', `the file is larger than the limit of ${this.config.INGEST_MAX_FILE_BYTES} bytes`);
    }
    const existing = await this.db.query(`SELECT 1 FROM ingest.batches WHERE batch_id = $1`, [command.batch_id]);
    if (existing.length > 0) throw new ServiceError('conflict', `batch ${command.batch_id} already exists`);

    const started = Date.now();
    const store = await this.bus.uploads();
    const object = await store.get(command.upload.object_name);
    if (!object) throw new ServiceError('not_found', `upload ${command.upload.object_name} not found`);
    const bytes = Readable.fromWeb(object.data as import('node:stream/web').ReadableStream);
    try {
      const table = isJsonUpload(command.upload.filename, command.upload.content_type)
        ? await openJsonArray(bytes, this.config.INGEST_MAX_FILE_BYTES)
        : await openCsv(bytes, this.config.INGEST_MAX_FILE_BYTES);
      const report = await this.store(command, table);
      this.logger.info({ batch_id: command.batch_id, rows: report.total_rows, ms: Date.now() - started }, 'batch ingested');
      await this.handOver.execute(command.batch_id);
      return this.result(command, report);
    } finally {
      bytes.destroy();
      await store.delete(command.upload.object_name).catch(() => undefined);
    }
  }

  private async store(command: CreateBatchCommand, table: ContactTable): Promise<ValidationReport & { dialable: number }> {
    const layout = resolveColumnLayout(table.headers, command.column_mapping);
    const suppressed = await this.suppressedNumbers(command.org_id);
    const validator = new ContactRowValidator(layout, {
      defaultRegion: command.settings.default_region,
      invalidPhoneHandling: command.settings.invalid_phone_handling,
      isSuppressed: (phone) => suppressed.has(phone),
    });
    const planner = new ChunkPlanner(this.config.INGEST_CHUNK_CONTACTS, CHUNK_MAX_BYTES);
    const createdAt = this.clock.now();

    return this.db.tx(async (client) => {
      await this.copyContacts(client, command.batch_id, table, validator, planner);
      const counts = validator.counts;
      const stored = counts.valid_rows + (command.settings.invalid_phone_handling === 'use_as_is' ? counts.invalid_rows : 0);
      if (stored === 0) {
        throw new ServiceError('unprocessable', 'the file has no contact with a valid phone number', {
          validation: { ...counts, issues: validator.issues.slice(0, REPORTED_ISSUES) },
        });
      }
      await this.insertIssues(client, command.batch_id, validator);
      const estimatedCost = round4(validator.dialable * this.config.ESTIMATED_CALL_MINUTES * this.config.COST_PER_MINUTE);
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
          stored,
          validator.dialable,
          estimatedCost,
          createdAt,
          planner.finish(),
        ],
      );
      return { ...counts, issues: validator.issues.slice(0, REPORTED_ISSUES), dialable: validator.dialable };
    });
  }

  private async copyContacts(client: PoolClient, batchId: string, table: ContactTable, validator: ContactRowValidator, planner: ChunkPlanner): Promise<void> {
    const copy = client.query(copyFrom(`COPY ingest.contacts (contact_id, batch_id, row, phone, name, timezone, priority, variables, status) FROM STDIN`));
    const finished = new Promise<void>((resolve, reject) => {
      copy.on('finish', resolve);
      copy.on('error', reject);
    });
    let row = 0;
    try {
      for await (const cells of table.rows) {
        row++;
        if (validator.counts.total_rows >= this.config.INGEST_MAX_ROWS && !cells.every((c) => c.trim() === '')) {
          throw new ServiceError('too_many_rows', `the file has more than the limit of ${this.config.INGEST_MAX_ROWS} rows`, {
            limit_rows: this.config.INGEST_MAX_ROWS,
          });
        }
        const contact = validator.accept(cells, row);
        if (!contact) continue;
        const variables = JSON.stringify(contact.variables);
        planner.add(row, variables.length + contact.phone.length + 160);
        const line = copyTextLine([randomUUID(), batchId, row, contact.phone, contact.name, contact.timezone, contact.priority, variables, contact.status]);
        if (!copy.write(line)) await new Promise((resolve) => copy.once('drain', resolve));
      }
    } catch (error) {
      copy.destroy(error as Error);
      await finished.catch(() => undefined);
      throw error;
    }
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

  private result(command: CreateBatchCommand, report: ValidationReport & { dialable: number }): CreateBatchResult {
    const { dialable, ...validation } = report;
    const averageCallSeconds = this.config.ESTIMATED_CALL_MINUTES * 60;
    return {
      batch_id: command.batch_id,
      status: command.initial_status,
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
