import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { BatchIngestedEvent, ContactsChunkEvent, Subjects } from '@outdial/contracts';
import { Database, EventPublisher, Logger, NatsBus, SERVICE_CONFIG, SERVICE_LOGGER } from '@outdial/service-runtime';
import { IngestEnv } from '../../ingest-env';
import { HandOverSpool, SpooledChunks } from './hand-over-spool';

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

const CLOSE_BRACE = Buffer.from('}');

/** Chunks published at once; JetStream acks them in order. */
const PUBLISH_WINDOW = 8;
/** Chunk queries running ahead of the publishing. */
const PREFETCH_CHUNKS = 3;

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
    private readonly bus: NatsBus,
    @Inject(SERVICE_CONFIG) private readonly config: IngestEnv,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {}

  /** Batches committed but not handed over (the process died in between) are handed over now. */
  onApplicationBootstrap(): void {
    void HandOverSpool.removeStale(this.config.INGEST_SPOOL_DIR).catch((error) => this.logger.warn({ err: error }, 'removing stale hand-over spools failed'));
    void this.resumePending().catch((error) => this.logger.error({ err: error }, 'resuming hand-overs failed'));
  }

  async resumePending(): Promise<void> {
    const pending = await this.db.query<{ batch_id: string }>(`SELECT batch_id FROM ingest.batches WHERE handed_over_at IS NULL ORDER BY created_at`);
    for (const { batch_id } of pending) {
      this.logger.warn({ batch_id }, 'handing over a batch left behind by an earlier run');
      await this.execute(batch_id);
    }
  }

  /** Publishes JSON text as is, with the event id as msgID (JetStream dedupe), like EventPublisher. */
  private async publishRaw(subject: string, json: Uint8Array, msgId: string): Promise<void> {
    await this.bus.js.publish(this.bus.subject(subject), json, { msgID: msgId, timeout: 10_000 });
  }

  /**
   * The contacts of chunk `index` as a JSON array, built by PostgreSQL (no parse and re-stringify
   * here): the hand-over's source when there is no spool (resumed after a restart).
   */
  async contactsOfChunk(batchId: string, ends: number[], index: number): Promise<string> {
    const rows = await this.db.query<{ contacts: string }>(
      `SELECT coalesce(json_agg(json_strip_nulls(json_build_object('contact_id', contact_id::text, 'row', row, 'phone', phone, 'name', name,
                'timezone', timezone, 'priority', priority, 'variables', variables, 'status', status)) ORDER BY row), '[]')::text AS contacts
         FROM ingest.contacts WHERE batch_id = $1 AND row > $2 AND row <= $3`,
      [batchId, index === 0 ? 0 : ends[index - 1], ends[index]],
    );
    return rows[0].contacts;
  }

  /** Hands a committed batch over; `spooled` is its contacts' JSON written during the ingest, if any. */
  async execute(batchId: string, spooled?: SpooledChunks): Promise<void> {
    const started = Date.now();
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

    const inFlight: Promise<void>[] = [];
    const ends = batch.chunk_ends;
    // The spool written during the ingest has the messages' contacts already; without it (a
    // hand-over resumed after a restart), PostgreSQL builds their JSON. The next chunks are read
    // while the current one is published.
    const fromSpool = spooled !== undefined && spooled.chunkEnds.length === ends.length && spooled.chunkEnds.every((end, i) => end === ends[i]);
    if (spooled && !fromSpool) this.logger.warn({ batch_id: batch.batch_id }, 'hand-over spool does not match the stored chunks; reading from the database');
    const fetchChunk = fromSpool ? (index: number) => spooled.read(index) : (index: number) => this.contactsOfChunk(batch.batch_id, ends, index);
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
      const message = Buffer.concat([Buffer.from(`${JSON.stringify(chunk).slice(0, -1)},"contacts":`), Buffer.from(contacts), CLOSE_BRACE]);
      inFlight.push(this.publishRaw(Subjects.contactsChunk, message, chunk.event_id));
      if (inFlight.length >= PUBLISH_WINDOW) await inFlight.shift();
    }
    await Promise.all(inFlight);
    await this.db.query(`UPDATE ingest.batches SET handed_over_at = now() WHERE batch_id = $1`, [batch.batch_id]);
    this.logger.info({ batch_id: batch.batch_id, chunks: batch.chunk_ends.length, ms: Date.now() - started }, 'batch handed over');
  }
}


