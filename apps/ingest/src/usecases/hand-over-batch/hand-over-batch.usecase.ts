import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { BatchIngestedEvent, ContactRecord, ContactsChunkEvent, Subjects } from '@outdial/contracts';
import { Database, EventPublisher, Logger, SERVICE_LOGGER } from '@outdial/service-runtime';

interface BatchRow {
  batch_id: string;
  org_id: string;
  name: string;
  agent_id: string;
  provider: BatchIngestedEvent['provider'];
  from_number: string;
  initial_status: BatchIngestedEvent['initial_status'];
  settings: BatchIngestedEvent['settings'];
  variable_columns: string[];
  validation: BatchIngestedEvent['validation'];
  total_contacts: number;
  estimated_cost: number;
  created_at: Date;
  chunk_ends: number[];
}

/** Chunks published at once; JetStream acks them in order. */
const PUBLISH_WINDOW = 8;

/**
 * Hands a stored batch to the scheduler and reporting: the batch event, then its contacts in
 * chunks (never one message per contact). Event ids are stable, so running it again after a crash
 * publishes nothing twice (JetStream dedupe) and consumers are idempotent anyway.
 */
@Injectable()
export class HandOverBatchUseCase implements OnApplicationBootstrap {
  constructor(
    private readonly db: Database,
    private readonly publisher: EventPublisher,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {}

  /** Batches committed but not handed over (the process died in between) are handed over now. */
  onApplicationBootstrap(): void {
    void this.resumePending().catch((error) => this.logger.error({ err: error }, 'resuming hand-overs failed'));
  }

  async resumePending(): Promise<void> {
    const pending = await this.db.query<{ batch_id: string }>(`SELECT batch_id FROM ingest.batches WHERE handed_over_at IS NULL ORDER BY created_at`);
    for (const { batch_id } of pending) {
      this.logger.warn({ batch_id }, 'handing over a batch left behind by an earlier run');
      await this.execute(batch_id);
    }
  }

  async execute(batchId: string): Promise<void> {
    const [batch] = await this.db.query<BatchRow>(`SELECT * FROM ingest.batches WHERE batch_id = $1`, [batchId]);
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
    await this.publisher.publish(Subjects.batchIngested, event, event.event_id);

    let previousEnd = 0;
    const inFlight: Promise<void>[] = [];
    for (let index = 0; index < batch.chunk_ends.length; index++) {
      const end = batch.chunk_ends[index];
      const contacts = await this.db.query<ContactRecord>(
        `SELECT contact_id::text, row, phone, name, timezone, priority, variables, status
           FROM ingest.contacts WHERE batch_id = $1 AND row > $2 AND row <= $3 ORDER BY row`,
        [batch.batch_id, previousEnd, end],
      );
      previousEnd = end;
      const chunk: ContactsChunkEvent = {
        event_id: `contacts:${batch.batch_id}:${index}`,
        org_id: batch.org_id,
        batch_id: batch.batch_id,
        chunk_index: index,
        chunk_count: batch.chunk_ends.length,
        contacts: contacts.map(withoutNulls),
      };
      inFlight.push(this.publisher.publish(Subjects.contactsChunk, chunk, chunk.event_id));
      if (inFlight.length >= PUBLISH_WINDOW) await inFlight.shift();
    }
    await Promise.all(inFlight);
    await this.db.query(`UPDATE ingest.batches SET handed_over_at = now() WHERE batch_id = $1`, [batch.batch_id]);
  }
}

function withoutNulls(contact: ContactRecord): ContactRecord {
  const out = { ...contact };
  if (out.name === null) delete out.name;
  if (out.timezone === null) delete out.timezone;
  return out;
}
