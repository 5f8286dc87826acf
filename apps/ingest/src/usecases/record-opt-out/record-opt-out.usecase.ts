import { Injectable } from '@nestjs/common';
import { CallFinishedEvent } from '@outdial/contracts';

import { SuppressionRepository } from '../../persistence/suppression.repository';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A call that ended `opted_out` puts the contact's number on the org's do-not-call list (SPEC §2,
 * reason `opted_out`; idempotent). Other outcomes, contacts ingest does not know (not a UUID, not
 * stored) and invalid numbers change nothing. Returns true when the number was added.
 */
@Injectable()
export class RecordOptOutUseCase {
  constructor(private readonly suppression: SuppressionRepository) {}

  async execute(event: CallFinishedEvent): Promise<boolean> {
    if (event.outcome !== 'opted_out') return false;
    if (!UUID.test(event.contact_id)) return false;
    return this.suppression.addOptedOutContact(event.org_id, event.batch_id, event.contact_id);
  }
}
