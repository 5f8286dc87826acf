import { Inject, Injectable } from '@nestjs/common';
import { ContactsChunkEvent } from '@outdial/contracts';
import { Database, NotKnownYetError, SERVICE_CONFIG } from '@outdial/service-runtime';

import { CallingWindowCache } from '../../adapters/calling-window-cache';
import { BatchesRepository } from '../../persistence/batches.repository';
import { ContactsRepository } from '../../persistence/contacts.repository';
import { SchedulerEnv } from '../../scheduler-env';

/**
 * Stores a chunk of a batch's contacts (`v1.ingest.contacts_chunk`) with the zones each is called in,
 * under the batch row lock; idempotent (a redelivered chunk inserts nothing).
 * Throws `NotKnownYetError` (retried with backoff, then dead-lettered after
 * SCHEDULER_UNKNOWN_BATCH_MAX_AGE_SECONDS) for a chunk of a batch not registered yet; a chunk of a
 * deleted batch is dropped.
 */
@Injectable()
export class ReceiveContactsUseCase {
  constructor(
    private readonly db: Database,
    private readonly batches: BatchesRepository,
    private readonly contacts: ContactsRepository,
    private readonly windows: CallingWindowCache,
    @Inject(SERVICE_CONFIG) private readonly env: SchedulerEnv,
  ) {}

  async execute(chunk: ContactsChunkEvent): Promise<void> {
    await this.db.tx(async (client) => {
      const batch = await this.batches.lockSettings(client, chunk.batch_id);
      if (!batch) {
        if (await this.batches.isDeleted(client, chunk.batch_id)) return;
        // Backoff, then dead letter: a chunk whose batch never arrives must not hold up other batches' chunks.
        throw new NotKnownYetError(
          `batch ${chunk.batch_id} not registered yet`,
          this.env.SCHEDULER_UNKNOWN_BATCH_MAX_AGE_SECONDS * 1000,
        );
      }
      const zoneKeys = chunk.contacts.map((x) => this.windows.zoneKeyFor(x, batch.settings));
      const inserted = await this.contacts.insertChunk(client, chunk, zoneKeys);
      await this.batches.addZones(client, chunk.batch_id, [...new Set(zoneKeys)]);
      // Contacts ingested as suppressed or invalid_number are final from the start.
      const finalAlready = inserted.filter((status) => status !== 'pending').length;
      await this.batches.addReceived(client, chunk.batch_id, inserted.length, finalAlready);
    });
  }
}
