import { Injectable } from '@nestjs/common';
import { ContactRecord, ContactsChunkEvent } from '@outdial/contracts';
import { Clock, Database } from '@outdial/service-runtime';
import { CounterState, counterDelta } from '../../domain/contact-counters';
import { StatusCountState, statusCountDelta } from '../../domain/status-counts';
import { applyCounterDelta, applyStatusCountDelta } from '../../persistence/batch-counters';
import { claimBatchEvent } from '../../persistence/processed-events';
import { ReportingTables, reportingTables } from '../../persistence/reporting-tables';
import { ProgressNotifier } from '../../progress/progress-notifier';

type ContactState = CounterState & StatusCountState;

/**
 * A chunk of ingested contacts. A contact may already exist as a placeholder (the scheduler's or
 * dialer's event came first): the chunk fills in what only ingest knows (row, phone, name,
 * variables) and keeps any status the scheduler already decided (version > 0). Contacts ingested
 * `suppressed` or `invalid_number` are final from the start; the counters take the before/after
 * difference, so a repeated chunk adds nothing.
 */
@Injectable()
export class RecordContactsChunkUseCase {
  private readonly tables: ReportingTables;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly progress: ProgressNotifier,
  ) {
    this.tables = reportingTables(db);
  }

  async execute(event: ContactsChunkEvent): Promise<void> {
    const contacts = lastPerContact(event.contacts);
    if (contacts.length === 0) return;
    const now = this.clock.now();
    const applied = await this.db.tx(async (client) => {
      if (!(await claimBatchEvent(client, this.tables, event, now))) return false;
      const ids = contacts.map((c) => c.contact_id);
      const before = await client.query<ContactState>(`SELECT status, final, attempts, row FROM ${this.tables.contacts} WHERE contact_id = ANY($1::text[])`, [ids]);
      const after = await client.query<ContactState>(
        `INSERT INTO ${this.tables.contacts} AS c (contact_id, batch_id, org_id, row, phone, name, variables, status, final)
         SELECT u.contact_id, $1, $2, u.row, u.phone, u.name, u.variables, u.status, u.status <> 'pending'
           FROM unnest($3::text[], $4::int[], $5::text[], $6::text[], $7::jsonb[], $8::text[])
             AS u(contact_id, row, phone, name, variables, status)
         ON CONFLICT (contact_id) DO UPDATE SET
           row = EXCLUDED.row,
           phone = EXCLUDED.phone,
           name = EXCLUDED.name,
           variables = EXCLUDED.variables,
           status = CASE WHEN c.version > 0 THEN c.status ELSE EXCLUDED.status END,
           final = CASE WHEN c.version > 0 THEN c.final ELSE EXCLUDED.final END
         RETURNING status, final, attempts, row`,
        [
          event.batch_id,
          event.org_id,
          ids,
          contacts.map((c) => c.row),
          contacts.map((c) => c.phone),
          contacts.map((c) => c.name ?? null),
          contacts.map((c) => JSON.stringify(c.variables ?? {})),
          contacts.map((c) => c.status),
        ],
      );
      await applyCounterDelta(client, this.tables, event.batch_id, counterDelta(before.rows, after.rows), now);
      await applyStatusCountDelta(client, this.tables, event.batch_id, statusCountDelta(before.rows, after.rows));
      return true;
    });
    if (applied) this.progress.touch(event.batch_id);
  }
}

/** One record per contact id (an upsert cannot touch a row twice in one statement). */
function lastPerContact(contacts: ContactRecord[]): ContactRecord[] {
  return [...new Map(contacts.map((c) => [c.contact_id, c])).values()];
}
