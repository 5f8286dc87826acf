import { Injectable } from '@nestjs/common';
import { CallFinishedEvent } from '@outdial/contracts';
import { Clock, Database } from '@outdial/service-runtime';
import { attemptCost, CostRates } from '../../domain/cost';
import { claimBatchEvent } from '../../persistence/processed-events';
import { ReportingTables, reportingTables } from '../../persistence/reporting-tables';
import { ReportingEnv } from '../../reporting-env';
import { ProgressNotifier } from '../../progress/progress-notifier';

/**
 * An attempt ended. The first finish of an attempt wins (over its start, whatever the order, and
 * over any later finish): only that one prices the call and adds its duration and cost to the
 * batch, so the batch sums equal the sums over `attempts`. The contact shows its latest attempt's call
 * (an older attempt finishing late does not overwrite it).
 */
@Injectable()
export class RecordCallFinishedUseCase {
  private readonly tables: ReportingTables;
  private readonly rates: CostRates;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    env: ReportingEnv,
    private readonly progress: ProgressNotifier,
  ) {
    this.tables = reportingTables(db);
    this.rates = new CostRates(env.COST_PER_MINUTE, env.COST_PER_MINUTE_BY_PROVIDER);
  }

  async execute(event: CallFinishedEvent): Promise<void> {
    const now = this.clock.now();
    // A voice-agent platform's own cost of the call, when its webhook said, wins over the per-minute estimate.
    const cost = event.cost ?? attemptCost(event.duration_seconds, this.rates.rateFor(event.provider));
    const applied = await this.db.tx(async (client) => {
      if (!(await claimBatchEvent(client, this.tables, event, now))) return false;
      const ended = await client.query<{ started_at: Date | null; inserted: boolean }>(
        `INSERT INTO ${this.tables.attempts} AS a
           (attempt_id, batch_id, contact_id, org_id, attempt, provider, provider_call_id, status, outcome,
            started_at, answered_at, ended_at, duration_seconds, cost, failure_reason, recording_url, transcript)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'ended', $8, $9, $10, $11, $12, $13, $14, $15, $16)
         ON CONFLICT (attempt_id) DO UPDATE SET
           provider_call_id = COALESCE(EXCLUDED.provider_call_id, a.provider_call_id),
           status = 'ended',
           outcome = EXCLUDED.outcome,
           started_at = COALESCE(a.started_at, EXCLUDED.started_at),
           answered_at = EXCLUDED.answered_at,
           ended_at = EXCLUDED.ended_at,
           duration_seconds = EXCLUDED.duration_seconds,
           cost = EXCLUDED.cost,
           failure_reason = EXCLUDED.failure_reason,
           recording_url = EXCLUDED.recording_url,
           transcript = EXCLUDED.transcript
         WHERE a.status <> 'ended'
         RETURNING started_at, (xmax = 0) AS inserted`,
        [
          event.attempt_id,
          event.batch_id,
          event.contact_id,
          event.org_id,
          event.attempt,
          event.provider,
          event.provider_call_id ?? null,
          event.outcome,
          event.started_at ?? null,
          event.answered_at ?? null,
          event.ended_at,
          event.duration_seconds,
          cost,
          event.failure_reason ?? null,
          event.recording_url ?? null,
          event.transcript ?? null,
        ],
      );
      if (ended.rowCount === 0) return false; // this attempt was already finished by another event
      await client.query(
        `UPDATE ${this.tables.batches}
            SET duration_sum = duration_sum + $2,
                duration_count = duration_count + $3,
                cost_so_far = cost_so_far + $4,
                attempt_count = attempt_count + $6,
                updated_at = $5
          WHERE batch_id = $1`,
        // The average duration is over calls that connected: unanswered attempts would drag it to zero.
        [event.batch_id, event.duration_seconds, event.duration_seconds > 0 ? 1 : 0, cost, now, ended.rows[0].inserted ? 1 : 0],
      );
      await client.query(
        `INSERT INTO ${this.tables.contacts} (contact_id, batch_id, org_id, status) VALUES ($1, $2, $3, 'pending') ON CONFLICT (contact_id) DO NOTHING`,
        [event.contact_id, event.batch_id, event.org_id],
      );
      await client.query(
        `UPDATE ${this.tables.contacts}
            SET call_id = $2, call_attempt = $3, duration_seconds = $4, recording_url = $5, transcript = $6,
                failure_reason = $7,
                -- the latest known dial time: the scheduler's, or this attempt's start (GREATEST: any order)
                last_attempt_at = GREATEST(last_attempt_at, $8::timestamptz)
          WHERE contact_id = $1 AND (call_attempt IS NULL OR call_attempt <= $3)`,
        [
          event.contact_id,
          event.attempt_id,
          event.attempt,
          event.duration_seconds,
          event.recording_url ?? null,
          event.transcript ?? null,
          event.failure_reason ?? null,
          ended.rows[0].started_at,
        ],
      );
      return true;
    });
    if (applied) this.progress.touch(event.batch_id);
  }
}
