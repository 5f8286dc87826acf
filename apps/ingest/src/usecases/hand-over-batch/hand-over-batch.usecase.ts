import { Inject, Injectable } from '@nestjs/common';
import { BATCH_ID_HEADER, BatchIngestedEvent, ContactsChunkEvent, Subjects } from '@outdial/contracts';
import { EventPublisher, Logger, NatsBus, SERVICE_LOGGER } from '@outdial/service-runtime';

import { BatchesRepository } from '../../persistence/batches.repository';
import { ContactsRepository } from '../../persistence/contacts.repository';
import { HandOverBatchCommand } from './hand-over-batch.command';

const CLOSE_BRACE = Buffer.from('}');

/** Chunks published at once; JetStream acks them in order. */
const PUBLISH_WINDOW = 8;
/** Chunk queries running ahead of the publishing. */
const PREFETCH_CHUNKS = 3;

/**
 * Hands a stored batch to the scheduler and reporting: `v1.ingest.batch_ingested`, then its contacts in
 * `v1.ingest.contacts_chunk` messages (never one message per contact), then marks it handed over. Event
 * ids are stable, so running it again after a crash publishes nothing twice (JetStream dedupe) and
 * consumers are idempotent anyway. A batch that does not exist (deleted meanwhile) is skipped.
 */
@Injectable()
export class HandOverBatchUseCase {
  constructor(
    private readonly batches: BatchesRepository,
    private readonly contacts: ContactsRepository,
    private readonly publisher: EventPublisher,
    private readonly bus: NatsBus,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {}

  async execute(command: HandOverBatchCommand): Promise<void> {
    const { spooled } = command;
    const started = Date.now();
    const batch = await this.batches.find(command.batch_id);
    if (!batch) return;
    const event: BatchIngestedEvent = {
      event_id: `batch-ingested:${batch.batch_id}`,
      org_id: batch.org_id,
      batch_id: batch.batch_id,
      name: batch.name,
      agent_id: batch.agent_id,
      provider: batch.provider,
      from_number: batch.from_number,
      initial_status: batch.initial_status,
      settings: batch.settings,
      total_contacts: batch.total_contacts,
      chunk_count: batch.chunk_ends.length,
      variable_columns: batch.variable_columns,
      validation: batch.validation,
      estimated_cost: batch.estimated_cost,
      created_at: batch.created_at.toISOString(),
    };
    await this.publisher.publish(Subjects.batchIngested, event);

    const inFlight: Promise<void>[] = [];
    const ends = batch.chunk_ends;
    // The spool written during the ingest has the messages' contacts already; without it (a
    // hand-over resumed after a restart), PostgreSQL builds their JSON. The next chunks are read
    // while the current one is published.
    const fromSpool =
      spooled !== undefined &&
      spooled.chunkEnds.length === ends.length &&
      spooled.chunkEnds.every((end, i) => end === ends[i]);
    if (spooled && !fromSpool)
      this.logger.warn(
        { batch_id: batch.batch_id },
        'hand-over spool does not match the stored chunks; reading from the database',
      );
    const fetchChunk = fromSpool
      ? (index: number) => spooled.read(index)
      : (index: number) => this.contacts.chunkJson(batch.batch_id, index === 0 ? 0 : ends[index - 1], ends[index]);
    const prefetched: Promise<Buffer | string>[] = [];
    for (let index = 0; index < Math.min(PREFETCH_CHUNKS, ends.length); index++) prefetched.push(fetchChunk(index));
    prefetched.forEach((p) => p.catch(() => undefined));
    for (let index = 0; index < ends.length; index++) {
      const contacts = await prefetched.shift()!;
      if (index + PREFETCH_CHUNKS < ends.length) {
        const next = fetchChunk(index + PREFETCH_CHUNKS);
        next.catch(() => undefined);
        prefetched.push(next);
      }
      const chunk: Omit<ContactsChunkEvent, 'contacts'> = {
        event_id: `contacts:${batch.batch_id}:${index}`,
        org_id: batch.org_id,
        batch_id: batch.batch_id,
        chunk_index: index,
        chunk_count: ends.length,
      };
      const message = Buffer.concat([
        Buffer.from(`${JSON.stringify(chunk).slice(0, -1)},"contacts":`),
        Buffer.from(contacts),
        CLOSE_BRACE,
      ]);
      // Outside production the first chunk of each batch is validated against ContactsChunkEvent:
      // every chunk of a batch is built by the same code from the same source, and validating all
      // of them (a JSON parse and a class-validator pass per contact) would add seconds per
      // million contacts to the create's critical path; the consumers validate every chunk anyway.
      const validate = index === 0 ? undefined : false;
      // The batch id travels as a header too, so consumers drop a deleted batch's chunks unparsed.
      inFlight.push(
        this.bus.publishSerialized(Subjects.contactsChunk, message, chunk.event_id, {
          validate,
          headers: { [BATCH_ID_HEADER]: batch.batch_id },
        }),
      );
      if (inFlight.length >= PUBLISH_WINDOW) await inFlight.shift();
    }
    await Promise.all(inFlight);
    await this.batches.markHandedOver(batch.batch_id);
    this.logger.info(
      { batch_id: batch.batch_id, chunks: batch.chunk_ends.length, ms: Date.now() - started },
      'batch handed over',
    );
  }
}
