import { Inject, Injectable } from '@nestjs/common';
import { BatchDeletedEvent } from '@outdial/contracts';
import { Database, Logger, SERVICE_LOGGER } from '@outdial/service-runtime';

import { BatchesRepository } from '../../persistence/batches.repository';
import { ContactsRepository } from '../../persistence/contacts.repository';
import { ValidationIssuesRepository } from '../../persistence/validation-issues.repository';

/**
 * SPEC §4: delete removes the batch and its data everywhere; here the batch row, its contacts and
 * its issues, in one transaction. Idempotent: a batch already gone (or another org's) deletes nothing.
 */
@Injectable()
export class DeleteIngestedBatchUseCase {
  constructor(
    private readonly db: Database,
    private readonly batches: BatchesRepository,
    private readonly contacts: ContactsRepository,
    private readonly issues: ValidationIssuesRepository,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {}

  async execute(event: BatchDeletedEvent): Promise<void> {
    const { org_id: orgId, batch_id: batchId } = event;
    await this.db.tx(async (client) => {
      if (!(await this.batches.deleteOwned(client, batchId, orgId))) return;
      const contacts = await this.contacts.deleteOfBatch(client, batchId);
      await this.issues.deleteOfBatch(client, batchId);
      this.logger.info({ batch_id: batchId, contacts }, 'batch data deleted');
    });
  }
}
