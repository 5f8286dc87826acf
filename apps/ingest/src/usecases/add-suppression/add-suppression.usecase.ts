import { Inject, Injectable } from '@nestjs/common';
import {
  RowIssue,
  SuppressionAddCommand,
  SuppressionAddResult,
  SuppressionImportCommand,
  SuppressionImportResult,
  SuppressionListPage,
  SuppressionListQuery,
  SuppressionRemoveCommand,
  SuppressionRemoveResult,
} from '@outdial/contracts';
import { Database, Logger, SERVICE_CONFIG, SERVICE_LOGGER, ServiceError } from '@outdial/service-runtime';
import { resolveColumnLayout } from '../../domain/column-layout';
import { REPORTED_ISSUES } from '../../domain/contact-row';
import { isSupportedRegion, normalizePhone } from '../../domain/phone-normalizer';
import { IngestEnv } from '../../ingest-env';
import { ContactTable } from '../../sources/contact-source';
import { UploadReader } from '../create-batch/upload-reader';

/** Numbers written per INSERT while importing. */
const INSERT_BLOCK = 5000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The org's do-not-call list (SPEC §2). Ingest owns it because it consults it on every upload:
 * contacts on it are stored `suppressed` and never dialed. Numbers are kept in E.164.
 */
@Injectable()
export class SuppressionUseCase {
  constructor(
    private readonly db: Database,
    private readonly uploads: UploadReader,
    @Inject(SERVICE_CONFIG) private readonly config: IngestEnv,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {}

  async list(query: SuppressionListQuery): Promise<SuppressionListPage> {
    const digits = (query.search ?? '').replace(/[^\d]/g, '');
    const params: unknown[] = [query.org_id];
    let filter = '';
    if (digits) {
      params.push(`%${digits}%`);
      filter = ` AND phone LIKE $2`;
    }
    const [{ total }] = await this.db.query<{ total: number }>(`SELECT count(*)::int AS total FROM ingest.suppressed_numbers WHERE org_id = $1${filter}`, params);
    const rows = await this.db.query<{ phone: string; reason: string | null; created_at: Date }>(
      `SELECT phone, reason, created_at FROM ingest.suppressed_numbers WHERE org_id = $1${filter}
        ORDER BY created_at DESC, phone LIMIT ${query.page_size} OFFSET ${(query.page - 1) * query.page_size}`,
      params,
    );
    return {
      items: rows.map((r) => ({ phone: r.phone, reason: r.reason, created_at: r.created_at.toISOString() })),
      total,
      page: query.page,
      page_size: query.page_size,
    };
  }

  async add(command: SuppressionAddCommand): Promise<SuppressionAddResult> {
    const region = this.region(command.default_region);
    const numbers: (string | null)[] = [];
    const issues: RowIssue[] = [];
    command.numbers.forEach((raw, index) => {
      const phone = normalizePhone(raw, region);
      numbers.push(phone.ok ? phone.e164 : null);
      if (!phone.ok) issues.push({ row: index + 1, phone: raw, code: 'invalid_phone', message: `${phone.reason}: "${raw}"` });
    });
    if (issues.length === command.numbers.length) {
      throw new ServiceError('validation_failed', command.numbers.length === 0 ? 'give at least one phone number' : 'no valid phone number given', { issues: issues.slice(0, REPORTED_ISSUES) });
    }
    const valid = [...new Set(numbers.filter((n): n is string => n !== null))];
    const added = await this.insert(command.org_id, valid, command.reason ?? null);
    return { added, already_present: valid.length - added, invalid: issues.length, numbers, issues: issues.slice(0, REPORTED_ISSUES) };
  }

  async remove(command: SuppressionRemoveCommand): Promise<SuppressionRemoveResult> {
    const phone = normalizePhone(command.phone, this.region(command.default_region));
    if (!phone.ok) throw new ServiceError('validation_failed', `${phone.reason}: "${command.phone}"`, { field: 'phone' });
    const rows = await this.db.query(`DELETE FROM ingest.suppressed_numbers WHERE org_id = $1 AND phone = $2 RETURNING phone`, [command.org_id, phone.e164]);
    if (rows.length === 0) throw new ServiceError('not_found', `${phone.e164} is not on the suppression list`);
    return { phone: phone.e164, removed: true };
  }

  /** Imports a CSV of numbers (a phone column as for batches, or a single column of numbers without a header). */
  async import(command: SuppressionImportCommand): Promise<SuppressionImportResult> {
    const region = this.region(command.default_region);
    const result: SuppressionImportResult = { total_rows: 0, added: 0, already_present: 0, invalid_rows: 0, empty_rows: 0, issues: [] };
    try {
      const { table, close } = await this.uploads.open(command.upload, this.config.INGEST_MAX_FILE_BYTES);
      try {
        const { phoneIndex, headerIsData } = this.phoneColumn(table, region);
        let block: string[] = [];
        const flush = async () => {
          const unique = [...new Set(block)];
          const added = await this.insert(command.org_id, unique, command.reason ?? null);
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
            throw new ServiceError('too_many_rows', `the file has more than the limit of ${this.config.INGEST_MAX_ROWS} rows`, { limit_rows: this.config.INGEST_MAX_ROWS });
          }
          const phone = normalizePhone(raw, region);
          if (phone.ok) block.push(phone.e164);
          else {
            result.invalid_rows++;
            if (result.issues.length < REPORTED_ISSUES) result.issues.push({ row, phone: raw.trim(), code: 'invalid_phone', message: `${phone.reason}: "${raw.trim()}"` });
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
      } finally {
        close();
      }
    } finally {
      await this.uploads.discard(command.upload);
    }
    this.logger.info({ org_id: command.org_id, added: result.added, rows: result.total_rows }, 'suppression list imported');
    return result;
  }

  /** A call ended `opted_out`: the contact's number joins the org's list (idempotent). */
  async optedOut(orgId: string, batchId: string, contactId: string): Promise<boolean> {
    if (!UUID.test(contactId)) return false;
    const rows = await this.db.query(
      `INSERT INTO ingest.suppressed_numbers (org_id, phone, reason)
       SELECT b.org_id, c.phone, 'opted_out' FROM ingest.contacts c JOIN ingest.batches b ON b.batch_id = c.batch_id
        WHERE c.contact_id = $1::uuid AND c.batch_id = $2 AND b.org_id = $3 AND c.status <> 'invalid_number'
       ON CONFLICT (org_id, phone) DO NOTHING RETURNING phone`,
      [contactId, batchId, orgId],
    );
    return rows.length > 0;
  }

  private phoneColumn(table: ContactTable, region: string): { phoneIndex: number; headerIsData: boolean } {
    try {
      return { phoneIndex: resolveColumnLayout(table.headers).phone, headerIsData: false };
    } catch (error) {
      // A bare list of numbers: one column whose first line is already a number.
      if (table.headers.length === 1 && normalizePhone(table.headers[0], region).ok) return { phoneIndex: 0, headerIsData: true };
      throw error;
    }
  }

  private async insert(orgId: string, phones: string[], reason: string | null): Promise<number> {
    if (phones.length === 0) return 0;
    const rows = await this.db.query(
      `INSERT INTO ingest.suppressed_numbers (org_id, phone, reason) SELECT $1, unnest($2::text[]), $3
       ON CONFLICT (org_id, phone) DO NOTHING RETURNING phone`,
      [orgId, phones, reason],
    );
    return rows.length;
  }

  private region(region: string): string {
    if (!isSupportedRegion(region)) throw new ServiceError('validation_failed', `default_region "${region}" is not a supported ISO country code`, { field: 'default_region' });
    return region.toUpperCase();
  }
}
