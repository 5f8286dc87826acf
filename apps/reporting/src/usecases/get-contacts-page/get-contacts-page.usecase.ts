import { Injectable } from '@nestjs/common';
import { ContactItem, ContactsPageQuery, ListPage } from '@outdial/contracts';
import { Database, ServiceError } from '@outdial/service-runtime';
import { contactsFilter } from '../../domain/contacts-filter';
import { ReportingTables, reportingTables } from '../../persistence/reporting-tables';

interface ContactRow {
  contact_id: string;
  row: number;
  phone: string;
  name: string | null;
  variables: Record<string, string> | null;
  status: string;
  last_outcome: string | null;
  attempts: number;
  last_attempt_at: Date | null;
  next_retry_at: Date | null;
  duration_seconds: number | null;
  failure_reason: string | null;
  call_id: string | null;
  recording_url: string | null;
  transcript: string | null;
}

/**
 * SPEC §8 contacts list, in upload order. Fast on a million contacts: each filter has its index,
 * and the total of an unfiltered or status-filtered list is a sum over the per-status counts
 * rather than a count of the rows (other filters count what matches). Right after a large create,
 * contacts still on their way to the read model count as `pending` in that total (their rows
 * appear on the pages moments later).
 */
@Injectable()
export class GetContactsPageUseCase {
  private readonly tables: ReportingTables;

  constructor(private readonly db: Database) {
    this.tables = reportingTables(db);
  }

  async execute(query: ContactsPageQuery): Promise<ListPage<ContactItem>> {
    const [batch] = await this.db.query<{ max_attempts: number }>(`SELECT max_attempts FROM ${this.tables.batches} WHERE batch_id = $1 AND org_id = $2`, [
      query.batch_id,
      query.org_id,
    ]);
    if (!batch) throw new ServiceError('not_found', 'batch not found');
    const filter = contactsFilter(query);
    const n = filter.params.length;
    const [rows, total] = await Promise.all([
      this.db.query<ContactRow>(
        `SELECT contact_id, row, phone, name, variables, status, last_outcome, attempts, last_attempt_at, next_retry_at,
                duration_seconds, failure_reason, call_id, recording_url, transcript
           FROM ${this.tables.contacts}
          WHERE ${filter.where}
          ORDER BY row
          LIMIT $${n + 1} OFFSET $${n + 2}`,
        [...filter.params, query.page_size, (query.page - 1) * query.page_size],
      ),
      this.total(query, filter),
    ]);
    return {
      items: rows.map((c) => ({
        contact_id: c.contact_id,
        row: c.row,
        phone: c.phone,
        name: c.name,
        variables: c.variables ?? {},
        status: c.status,
        last_outcome: c.last_outcome,
        attempts: c.attempts,
        max_attempts: batch.max_attempts,
        last_attempt_at: c.last_attempt_at?.toISOString() ?? null,
        next_retry_at: c.next_retry_at?.toISOString() ?? null,
        duration_seconds: c.duration_seconds,
        failure_reason: c.failure_reason,
        call_id: c.call_id,
        recording_url: c.recording_url,
        transcript: c.transcript,
      })),
      total,
      page: query.page,
      page_size: query.page_size,
    };
  }

  private async total(query: ContactsPageQuery, filter: ReturnType<typeof contactsFilter>): Promise<number> {
    if (filter.statusOnly) {
      const statuses = query.status && query.status.length > 0 ? query.status : null;
      // Contacts the batch announced that have not reached the read model yet (right after a
      // large create) are waiting, i.e. `pending`: counted so the total is right at once.
      const [row] = await this.db.query<{ total: number }>(
        `SELECT (SELECT coalesce(sum(count), 0) FROM ${this.tables.statusCounts} WHERE batch_id = $1 AND ($2::text[] IS NULL OR status = ANY($2::text[])))
              + CASE WHEN $2::text[] IS NULL OR 'pending' = ANY($2::text[]) THEN
                  greatest(0, coalesce((SELECT total_calls FROM ${this.tables.batches} WHERE batch_id = $1), 0)
                              - (SELECT coalesce(sum(count), 0) FROM ${this.tables.statusCounts} WHERE batch_id = $1))
                ELSE 0 END AS total`,
        [query.batch_id, statuses],
      );
      return Number(row.total);
    }
    const [row] = await this.db.query<{ total: number }>(`SELECT count(*) AS total FROM ${this.tables.contacts} WHERE ${filter.where}`, filter.params);
    return row.total;
  }
}
