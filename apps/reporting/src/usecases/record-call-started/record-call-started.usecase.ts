import { Injectable } from '@nestjs/common';
import { CallStartedEvent } from '@outdial/contracts';
import { Clock, Database } from '@outdial/service-runtime';
import { markEventProcessed } from '../../persistence/processed-events';
import { ReportingTables, reportingTables } from '../../persistence/reporting-tables';

/**
 * The dialer asked the provider to dial. Only fills what is still unknown: if the attempt already
 * finished (its finish arrived first), the finish stays as it is.
 */
@Injectable()
export class RecordCallStartedUseCase {
  private readonly tables: ReportingTables;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {
    this.tables = reportingTables(db);
  }

  async execute(event: CallStartedEvent): Promise<void> {
    const now = this.clock.now();
    await this.db.tx(async (client) => {
      if (!(await markEventProcessed(client, this.tables, event.event_id, now))) return;
      await client.query(
        `INSERT INTO ${this.tables.attempts} AS a
           (attempt_id, batch_id, contact_id, org_id, attempt, provider, provider_call_id, status, started_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'dialing', $8)
         ON CONFLICT (attempt_id) DO UPDATE SET
           provider_call_id = COALESCE(a.provider_call_id, EXCLUDED.provider_call_id),
           started_at = COALESCE(a.started_at, EXCLUDED.started_at)`,
        [event.attempt_id, event.batch_id, event.contact_id, event.org_id, event.attempt, event.provider, event.provider_call_id, event.started_at],
      );
      // The contact's last dial time, whichever of this, the finish or the scheduler's update comes
      // first. A placeholder (chunk not there yet) counts for nothing, so the batch lock is not needed.
      await client.query(
        `INSERT INTO ${this.tables.contacts} (contact_id, batch_id, org_id, status) VALUES ($1, $2, $3, 'pending') ON CONFLICT (contact_id) DO NOTHING`,
        [event.contact_id, event.batch_id, event.org_id],
      );
      await client.query(`UPDATE ${this.tables.contacts} SET last_attempt_at = GREATEST(last_attempt_at, $2::timestamptz) WHERE contact_id = $1`, [
        event.contact_id,
        event.started_at,
      ]);
    });
  }
}
