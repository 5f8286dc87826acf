import { Injectable } from '@nestjs/common';
import { BatchDeletedEvent } from '@outdial/contracts';
import { Database } from '@outdial/service-runtime';

import { BatchReadModelRepository } from '../../persistence/batch-read-model.repository';

/**
 * The batch was deleted (`v1.batch.deleted`; SPEC §4: its data goes everywhere): every read-model
 * row of it goes, its pending webhooks included, and a tombstone stays so that late events of the
 * batch are dropped instead of bringing it back. Idempotent: a repeated deletion finds nothing left
 * to delete.
 */
@Injectable()
export class RecordBatchDeletedUseCase {
  constructor(
    private readonly db: Database,
    private readonly batches: BatchReadModelRepository,
  ) {}

  async execute(event: BatchDeletedEvent): Promise<void> {
    await this.db.tx((client) =>
      this.batches.deleteEverything(client, event.batch_id, event.org_id, new Date(event.at)),
    );
  }
}
