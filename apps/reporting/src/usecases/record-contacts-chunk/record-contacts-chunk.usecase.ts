import { Injectable } from '@nestjs/common';
import { ContactRecord, ContactsChunkEvent } from '@outdial/contracts';
import { Clock, Database } from '@outdial/service-runtime';

import { ProgressNotifier } from '../../adapters/progress-notifier';
import { counterDelta } from '../../domain/contact-counters';
import { statusCountDelta } from '../../domain/status-counts';
import { BatchReadModelRepository } from '../../persistence/batch-read-model.repository';
import { ContactReadModelRepository } from '../../persistence/contact-read-model.repository';
import { ProcessedEventsRepository } from '../../persistence/processed-events.repository';

/**
 * A chunk of ingested contacts (`v1.ingest.contacts_chunk`). A contact may already exist as a
 * placeholder (the scheduler's or dialer's event came first): the chunk fills in what only ingest
 * knows (row, phone, name, variables) and keeps any status the scheduler already decided
 * (version > 0). Contacts ingested `suppressed` or `invalid_number` are final from the start; the
 * counters take the before/after difference, so a repeated chunk adds nothing. A chunk of a batch
 * already `cancelled` brings its waiting contacts in `cancelled` (SPEC §4). One transaction under
 * the batch lock: five statements whatever the chunk size.
 */
@Injectable()
export class RecordContactsChunkUseCase {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly batches: BatchReadModelRepository,
    private readonly contacts: ContactReadModelRepository,
    private readonly processedEvents: ProcessedEventsRepository,
    private readonly progress: ProgressNotifier,
  ) {}

  async execute(event: ContactsChunkEvent): Promise<void> {
    let contacts = lastPerContact(event.contacts);
    if (contacts.length === 0) return;
    const now = this.clock.now();
    const applied = await this.db.tx(async (client) => {
      if (!(await this.processedEvents.claimBatchEvent(client, event, now))) return false;
      // A chunk arriving after its batch was cancelled: its waiting contacts are cancelled already (SPEC §4).
      if ((await this.batches.statusOf(client, event.batch_id)) === 'cancelled') contacts = cancelWaiting(contacts);
      const before = await this.contacts.countStates(
        client,
        contacts.map((c) => c.contact_id),
      );
      const after = await this.contacts.upsertChunk(client, event, contacts);
      await this.batches.applyCounterDelta(client, event.batch_id, counterDelta(before, after), now);
      await this.batches.applyStatusCountDelta(client, event.batch_id, statusCountDelta(before, after));
      return true;
    });
    if (applied) this.progress.touch(event.batch_id);
  }
}

/** Contacts of a cancelled batch: the waiting (`pending`) ones are `cancelled`, hence final. */
function cancelWaiting(contacts: ContactRecord[]): ContactRecord[] {
  return contacts.map((c) => (c.status === 'pending' ? { ...c, status: 'cancelled' as ContactRecord['status'] } : c));
}

/** One record per contact id (an upsert cannot touch a row twice in one statement). */
function lastPerContact(contacts: ContactRecord[]): ContactRecord[] {
  return [...new Map(contacts.map((c) => [c.contact_id, c])).values()];
}
