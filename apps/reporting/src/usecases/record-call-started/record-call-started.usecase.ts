import { Injectable } from '@nestjs/common';
import { CallStartedEvent } from '@outdial/contracts';
import { Clock, Database } from '@outdial/service-runtime';
import { claimBatchEvent } from '../../persistence/processed-events';
import { ReportingTables, reportingTables } from '../../persistence/reporting-tables';
import { ProgressNotifier } from '../../progress/progress-notifier';

/**
 * The dialer asked the provider to dial. Only fills what is still unknown: if the attempt already
 * finished (its finish arrived first), the finish stays as it is. A new attempt row counts in the
 * batch's attempt_count (the calls list total).
 */
@Injectable()
export class RecordCallStartedUseCase {
  private readonly tables: ReportingTables;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly progress: ProgressNotifier,
  ) {
    this.tables = reportingTables(db);
  }

  async execute(event: CallStartedEvent): Promise<void> {
    const now = this.clock.now();
    const applied = await this.db.tx(async (client) => {
      if (!(await claimBatchEvent(client, this.tables, event, now))) return false;
      const upsert = await client.query<{ inserted: boolean }>(
        `INSERT INTO ${this.tables.attempts} AS a
           (attempt_id, batch_id, contact_id, org_id, attempt, provider, provider_call_id, status, started_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'dialing', $8)
         ON CONFLICT (attempt_id) DO UPDATE SET
           provider_call_id = COALESCE(a.provider_call_id, EXCLUDED.provider_call_id),
           started_at = COALESCE(a.started_at, EXCLUDED.started_at)
         RETURNING (xmax = 0) AS inserted`,
        [event.attempt_id, event.batch_id, event.contact_id, event.org_id, event.attempt, event.provider, event.provider_call_id, event.started_at],
      );
      if (upsert.rows[0]?.inserted) {
        await client.query(`UPDATE ${this.tables.batches} SET attempt_count = attempt_count + 1 WHERE batch_id = $1`, [event.batch_id]);
      }
      // The contact's last dial time, whichever of this, the finish or the scheduler's update comes first.
      await client.query(
        `INSERT INTO ${this.tables.contacts} (contact_id, batch_id, org_id, status) VALUES ($1, $2, $3, 'pending') ON CONFLICT (contact_id) DO NOTHING`,
        [event.contact_id, event.batch_id, event.org_id],
      );
      await client.query(`UPDATE ${this.tables.contacts} SET last_attempt_at = GREATEST(last_attempt_at, $2::timestamptz) WHERE contact_id = $1`, [
        event.contact_id,
        event.started_at,
      ]);
      return true;
    });
    if (applied) this.progress.touch(event.batch_id);
  }
}
