import { Inject, Injectable } from '@nestjs/common';
import { BatchSettings, ContactsChunkEvent } from '@outdial/contracts';
import { Database, NotKnownYetError, SERVICE_CONFIG } from '@outdial/service-runtime';
import { SchedulerEnv } from '../../scheduler-env';
import { isDeletedBatch } from '../../persistence/batch-row';
import { CallingWindows } from '../../windows/calling-windows';

/**
 * Stores a chunk of a batch's contacts with the zones each is called in; idempotent (a redelivered
 * chunk inserts nothing).
 */
@Injectable()
export class ReceiveContactsUseCase {
  constructor(
    private readonly db: Database,
    private readonly windows: CallingWindows,
    @Inject(SERVICE_CONFIG) private readonly env: SchedulerEnv,
  ) {}

  async execute(chunk: ContactsChunkEvent): Promise<void> {
    await this.db.tx(async (client) => {
      const batch = await client.query<{ settings: BatchSettings }>(`SELECT settings FROM scheduler.batches WHERE batch_id = $1 FOR UPDATE`, [chunk.batch_id]);
      if (batch.rowCount === 0) {
        if (await isDeletedBatch(client, chunk.batch_id)) return;
        // Backoff, then dead letter: a chunk whose batch never arrives must not hold up other batches' chunks.
        throw new NotKnownYetError(`batch ${chunk.batch_id} not registered yet`, this.env.SCHEDULER_UNKNOWN_BATCH_MAX_AGE_SECONDS * 1000);
      }
      const settings = batch.rows[0].settings;
      const c = chunk.contacts;
      const zoneKeys = c.map((x) => this.windows.zoneKeyFor(x, settings));
      const inserted = await client.query<{ status: string }>(
        `INSERT INTO scheduler.contacts (contact_id, batch_id, org_id, row, phone, timezone, priority, variables, status, zone_key)
         SELECT t.contact_id, $1, $2, t.row, t.phone, t.timezone, t.priority, t.variables, t.status, t.zone_key
           FROM unnest($3::text[], $4::int[], $5::text[], $6::text[], $7::int[], $8::jsonb[], $9::text[], $10::text[])
             AS t(contact_id, row, phone, timezone, priority, variables, status, zone_key)
         ON CONFLICT (contact_id) DO NOTHING
         RETURNING status`,
        [
          chunk.batch_id,
          chunk.org_id,
          c.map((x) => x.contact_id),
          c.map((x) => x.row),
          c.map((x) => x.phone),
          c.map((x) => x.timezone ?? null),
          c.map((x) => x.priority),
          c.map((x) => JSON.stringify(x.variables)),
          c.map((x) => x.status),
          zoneKeys,
        ],
      );
      await client.query(
        `INSERT INTO scheduler.batch_zones (batch_id, zone_key) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING`,
        [chunk.batch_id, [...new Set(zoneKeys)]],
      );
      // Contacts ingested as suppressed or invalid_number are final from the start.
      const finalAlready = inserted.rows.filter((r) => r.status !== 'pending').length;
      await client.query(
        `UPDATE scheduler.batches SET contacts_received = contacts_received + $2, final_count = final_count + $3, updated_at = now() WHERE batch_id = $1`,
        [chunk.batch_id, inserted.rowCount ?? 0, finalAlready],
      );
    });
  }
}
