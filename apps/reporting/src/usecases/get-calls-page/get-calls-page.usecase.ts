import { Injectable } from '@nestjs/common';
import { CallItem, CallsPageQuery, ListPage } from '@outdial/contracts';
import { Database, ServiceError } from '@outdial/service-runtime';
import { ReportingTables, reportingTables } from '../../persistence/reporting-tables';

interface AttemptRow {
  attempt_id: string;
  contact_id: string;
  phone: string | null;
  attempt: number;
  outcome: string | null;
  status: string;
  started_at: Date | null;
  answered_at: Date | null;
  ended_at: Date | null;
  duration_seconds: number | null;
  cost: number | null;
  provider: string;
  provider_call_id: string | null;
  failure_reason: string | null;
  recording_url: string | null;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/**
 * SPEC §9 `/calls`: the batch's attempts in the order they were dialed. The unfiltered total is the
 * batch's attempt_count (kept as attempts are recorded), so page 1 of a million calls stays cheap.
 */
@Injectable()
export class GetCallsPageUseCase {
  private readonly tables: ReportingTables;

  constructor(private readonly db: Database) {
    this.tables = reportingTables(db);
  }

  async execute(query: CallsPageQuery): Promise<ListPage<CallItem>> {
    const [batch] = await this.db.query<{ attempt_count: number }>(`SELECT attempt_count FROM ${this.tables.batches} WHERE batch_id = $1 AND org_id = $2`, [
      query.batch_id,
      query.org_id,
    ]);
    if (!batch) throw new ServiceError('not_found', 'batch not found');
    const params: unknown[] = [query.batch_id];
    const clauses = ['a.batch_id = $1'];
    if (query.outcome && query.outcome.length > 0) {
      params.push(query.outcome);
      clauses.push(`a.outcome = ANY($${params.length}::text[])`);
    }
    if (query.contact_id) {
      params.push(query.contact_id);
      clauses.push(`a.contact_id = $${params.length}`);
    }
    const where = clauses.join(' AND ');
    const filtered = params.length > 1;
    const [rows, total] = await Promise.all([
      this.db.query<AttemptRow>(
        `SELECT a.attempt_id, a.contact_id, c.phone, a.attempt, a.outcome, a.status, a.started_at, a.answered_at, a.ended_at,
                a.duration_seconds, a.cost, a.provider, a.provider_call_id, a.failure_reason, a.recording_url
           FROM ${this.tables.attempts} a
           LEFT JOIN ${this.tables.contacts} c ON c.contact_id = a.contact_id
          WHERE ${where}
          ORDER BY a.started_at NULLS LAST, a.attempt_id
          LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
        [...params, query.page_size, (query.page - 1) * query.page_size],
      ),
      filtered
        ? this.db.query<{ total: number }>(`SELECT count(*) AS total FROM ${this.tables.attempts} a WHERE ${where}`, params).then((r) => r[0].total)
        : Promise.resolve(batch.attempt_count),
    ]);
    return {
      items: rows.map((a) => ({
        call_id: a.attempt_id,
        contact_id: a.contact_id,
        phone: a.phone,
        attempt: a.attempt,
        outcome: a.outcome,
        status: a.status,
        started_at: iso(a.started_at),
        answered_at: iso(a.answered_at),
        ended_at: iso(a.ended_at),
        duration_seconds: a.duration_seconds,
        cost: a.cost,
        provider: a.provider,
        provider_call_id: a.provider_call_id,
        failure_reason: a.failure_reason,
        recording_url: a.recording_url,
      })),
      total,
      page: query.page,
      page_size: query.page_size,
    };
  }
}
