import { Injectable } from '@nestjs/common';
import { ContactUpdatedEvent } from '@outdial/contracts';
import { Clock, Database } from '@outdial/service-runtime';
import { CounterState, counterDelta } from '../../domain/contact-counters';
import { isNewerVersion } from '../../domain/contact-versions';
import { applyCounterDelta } from '../../persistence/batch-counters';
import { lockBatchOrRetryLater } from '../../persistence/batch-lock';
import { markEventProcessed } from '../../persistence/processed-events';
import { ReportingTables, reportingTables } from '../../persistence/reporting-tables';

/**
 * The scheduler's decision about a contact. Applied only when newer than the stored version;
 * the batch counters move by the before/after difference in the same transaction (first time
 * final -> final and completed/failed; in and out of dialing/in_progress -> in_progress).
 */
@Injectable()
export class RecordContactUpdateUseCase {
  private readonly tables: ReportingTables;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {
    this.tables = reportingTables(db);
  }

  async execute(event: ContactUpdatedEvent): Promise<void> {
    const now = this.clock.now();
    await this.db.tx(async (client) => {
      await lockBatchOrRetryLater(client, this.tables, event.batch_id);
      if (!(await markEventProcessed(client, this.tables, event.event_id, now))) return;
      // The chunk with this contact may not have arrived yet: hold the decision in a placeholder.
      await client.query(
        `INSERT INTO ${this.tables.contacts} (contact_id, batch_id, org_id, status) VALUES ($1, $2, $3, 'pending') ON CONFLICT (contact_id) DO NOTHING`,
        [event.contact_id, event.batch_id, event.org_id],
      );
      const stored = await client.query<CounterState & { version: number }>(
        `SELECT status, final, attempts, version FROM ${this.tables.contacts} WHERE contact_id = $1`,
        [event.contact_id],
      );
      const before = stored.rows[0];
      if (!isNewerVersion(before.version, event.version)) return;
      await client.query(
        `UPDATE ${this.tables.contacts}
            SET status = $2, final = $3, version = $4, attempts = $5,
                last_outcome = COALESCE($6, last_outcome),
                next_retry_at = $7,
                last_attempt_at = GREATEST(last_attempt_at, $8::timestamptz)
          WHERE contact_id = $1`,
        [
          event.contact_id,
          event.status,
          event.final,
          event.version,
          event.attempts,
          event.last_outcome ?? null,
          event.next_retry_at ?? null,
          event.last_attempt_at ?? null,
        ],
      );
      const after: CounterState = { status: event.status, final: event.final, attempts: event.attempts };
      await applyCounterDelta(client, this.tables, event.batch_id, counterDelta([before], [after]), now);
    });
  }
}
