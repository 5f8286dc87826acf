import { Injectable } from '@nestjs/common';
import { CreateBatchResult, Subjects } from '@outdial/contracts';
import { RpcClient, ServiceError, UploadStore } from '@outdial/service-runtime';

import { storeJsonContacts } from '../../adapters/uploads/multipart-upload';
import { matchesRedial, redialContact, redialCreateRequest, reportingStatusesFor } from '../../domain/redial-rules';
import { CreateBatchCallUseCase } from '../create-batch-call/create-batch-call.usecase';
import { RedialBatchCommand } from './redial-batch.command';
import { parseRedialBody } from './redial-body';

/** Contacts fetched from reporting per request (the largest page its contacts list allows). */
const PAGE_SIZE = 100;

/** A redial's answer: a create's answer plus the batch it was made from. */
export type RedialResult = CreateBatchResult & { redial_of: string; redialed_contacts: number };

/**
 * `POST /api/batch-calls/{id}/redial` (SPEC §4 "Redial", §9): a new batch from the original's
 * contacts that ended in the given statuses or outcomes, with the original's settings unless
 * overridden, linked to it by `metadata.redial_of`.
 *
 * Owners of the pieces: ingest keeps the settings a batch was created with (`batch_settings`
 * RPC), reporting keeps each contact's final status and variables (contacts list RPC). The new
 * batch then goes through the ordinary create (CreateBatchCallUseCase -> ingest), so it gets the same
 * validation, suppression check (a number put on the do-not-call list since is not called again),
 * dedupe, estimates and events as any other.
 *
 * Errors: 400 `validation_failed` (statuses empty or unknown, bad settings), 404 (unknown batch,
 * or another org's), 422 `unprocessable` when no contact of the original matches.
 */
@Injectable()
export class RedialBatchUseCase {
  constructor(
    private readonly rpc: RpcClient,
    private readonly uploads: UploadStore,
    private readonly createBatchCall: CreateBatchCallUseCase,
  ) {}

  async execute(command: RedialBatchCommand): Promise<RedialResult> {
    const { auth, batch_id: batchId, body } = command;
    // The batch first: another org's batch is a 404 whatever the body says.
    const original = await this.rpc.request(Subjects.ingestBatchSettings, { org_id: auth.org_id, batch_id: batchId });
    const { statuses, overrides } = parseRedialBody(body);
    const contacts = await this.matchingContacts(auth.org_id, batchId, statuses);
    if (contacts.length === 0) {
      throw new ServiceError('unprocessable', `no contact of ${batchId} ended in ${statuses.join(', ')}`, { statuses });
    }
    const upload = await storeJsonContacts(this.uploads, contacts);
    const { result } = await this.createBatchCall.execute({
      auth,
      settings: redialCreateRequest(original, overrides),
      upload,
    });
    return { ...result, redial_of: batchId, redialed_contacts: contacts.length };
  }

  private async matchingContacts(
    orgId: string,
    batchId: string,
    statuses: string[],
  ): Promise<Record<string, string>[]> {
    const out: Record<string, string>[] = [];
    const status = reportingStatusesFor(statuses);
    for (let page = 1; ; page++) {
      const result = await this.rpc.request(Subjects.reportingContactsPage, {
        org_id: orgId,
        batch_id: batchId,
        status,
        page,
        page_size: PAGE_SIZE,
      });
      for (const contact of result.items) if (matchesRedial(contact, statuses)) out.push(redialContact(contact));
      if (result.items.length < PAGE_SIZE || page * PAGE_SIZE >= result.total) return out;
    }
  }
}
