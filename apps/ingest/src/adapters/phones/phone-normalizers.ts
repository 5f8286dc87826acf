import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { SERVICE_CONFIG } from '@outdial/service-runtime';

import { PhoneNormalizer } from '../../domain/phone-block';
import { IngestEnv } from '../../ingest-env';
import { inlinePhoneNormalizer, WorkerPhoneNormalizer } from './phone-normalizer-pool';

/**
 * The process's phone normalizers: one pool of `INGEST_PHONE_WORKERS` worker threads shared by every
 * ingest, dry run and import (closed when the module is destroyed), and the inline normalizer.
 */
@Injectable()
export class PhoneNormalizers implements OnModuleDestroy {
  private readonly workers: WorkerPhoneNormalizer | null;

  constructor(@Inject(SERVICE_CONFIG) private readonly config: IngestEnv) {
    this.workers = WorkerPhoneNormalizer.create(config.INGEST_PHONE_WORKERS);
  }

  /**
   * The normalizer for an upload of `sizeBytes`: worker threads pay off on large files only
   * (`INGEST_WORKER_MIN_BYTES`); a few hundred rows are faster inline.
   */
  forUpload(sizeBytes: number): PhoneNormalizer {
    return this.workers && sizeBytes >= this.config.INGEST_WORKER_MIN_BYTES ? this.workers : inlinePhoneNormalizer;
  }

  async onModuleDestroy(): Promise<void> {
    await this.workers?.close();
  }
}
