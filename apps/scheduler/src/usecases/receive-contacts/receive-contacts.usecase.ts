import { Injectable } from '@nestjs/common';
import { ContactsChunkEvent } from '@outdial/contracts';
import { Database, TransientError } from '@outdial/service-runtime';

/** Stores a chunk of a batch's contacts; idempotent (a redelivered chunk inserts nothing). */
@Injectable()
export class ReceiveContactsUseCase {
  constructor(private readonly db: Database) {}

  async execute(chunk: ContactsChunkEvent): Promise<void> {
    await this.db.tx(async (client) => {
      const batch = await client.query(`SELECT 1 FROM scheduler.batches WHERE batch_id = $1 FOR UPDATE`, [chunk.batch_id]);
      if (batch.rowCount === 0) throw new TransientError(`batch ${chunk.batch_id} not registered yet`, 250);
      const c = chunk.contacts;
      const inserted = await client.query<{ status: string }>(
        `INSERT INTO scheduler.contacts (contact_id, batch_id, org_id, row, phone, timezone, priority, variables, status)
         SELECT t.contact_id, $1, $2, t.row, t.phone, t.timezone, t.priority, t.variables, t.status
           FROM unnest($3::text[], $4::int[], $5::text[], $6::text[], $7::int[], $8::jsonb[], $9::text[])
             AS t(contact_id, row, phone, timezone, priority, variables, status)
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
        ],
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
