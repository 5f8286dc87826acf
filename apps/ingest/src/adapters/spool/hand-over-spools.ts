import { Inject, Injectable } from '@nestjs/common';
import { SERVICE_CONFIG } from '@outdial/service-runtime';

import { IngestEnv } from '../../ingest-env';
import { HandOverSpool } from './hand-over-spool';

/** Largest JSON of one hand-over message's contacts; NATS refuses payloads over 1 MB. */
const CHUNK_MAX_BYTES = 768 * 1024;

/**
 * The hand-over spools of this process, in `INGEST_SPOOL_DIR`: chunks of at most
 * `INGEST_CHUNK_CONTACTS` contacts and `CHUNK_MAX_BYTES` bytes.
 */
@Injectable()
export class HandOverSpools {
  constructor(@Inject(SERVICE_CONFIG) private readonly config: IngestEnv) {}

  /** A new spool for the batch's contacts (a file of its own; removed by `discard`). */
  create(batchId: string): Promise<HandOverSpool> {
    return HandOverSpool.create(
      this.config.INGEST_SPOOL_DIR,
      batchId,
      this.config.INGEST_CHUNK_CONTACTS,
      CHUNK_MAX_BYTES,
    );
  }

  /** Removes spool files of earlier processes that died mid-ingest; returns how many. */
  removeStale(): Promise<number> {
    return HandOverSpool.removeStale(this.config.INGEST_SPOOL_DIR);
  }
}
