import { Injectable } from '@nestjs/common';
import { BatchIngestedEvent } from '@outdial/contracts';
import { Clock, Database } from '@outdial/service-runtime';

/** Ingest stored a batch: the scheduler takes it over (its contacts arrive in chunks). */
@Injectable()
export class RegisterBatchUseCase {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  async execute(event: BatchIngestedEvent): Promise<void> {
    // A redelivered event of a batch deleted since must not bring it back.
    await this.db.query(
      `INSERT INTO scheduler.batches (batch_id, org_id, status, agent_id, provider, from_number, settings, concurrency,
         total_contacts, scheduled_start_time, end_time, created_at, updated_at)
       SELECT $1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13
        WHERE NOT EXISTS (SELECT 1 FROM scheduler.deleted_batches WHERE batch_id = $1)
       ON CONFLICT (batch_id) DO NOTHING`,
      [
        event.batch_id,
        event.org_id,
        event.initial_status,
        event.agent_id,
        event.provider,
        event.from_number,
        JSON.stringify(event.settings),
        event.settings.concurrency,
        event.total_contacts,
        event.settings.scheduled_start_time ?? null,
        event.settings.end_time ?? null,
        event.created_at,
        this.clock.now(),
      ],
    );
  }
}
