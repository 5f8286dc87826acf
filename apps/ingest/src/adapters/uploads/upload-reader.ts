import { Readable } from 'node:stream';

import { Inject, Injectable } from '@nestjs/common';
import { UploadReference } from '@outdial/contracts';
import { SERVICE_CONFIG, ServiceError, UploadStore } from '@outdial/service-runtime';

import { ContactTable } from '../../domain/contact-table';
import { IngestEnv } from '../../ingest-env';
import { isJsonUpload, openCsv, openJsonArray } from './contact-source';

/** Opens an upload from the JetStream object store as a contact table, streaming. */
@Injectable()
export class UploadReader {
  constructor(
    private readonly store: UploadStore,
    @Inject(SERVICE_CONFIG) private readonly config: IngestEnv,
  ) {}

  /**
   * Runs `fn` on the upload read as a contact table (CSV, or a JSON array by name or content type),
   * then closes the upload's streams. Throws `ServiceError` `payload_too_large` (over
   * `INGEST_MAX_FILE_BYTES`), `not_found` (no such object), or the file errors of `contact-source`.
   */
  async withTable<T>(upload: UploadReference, fn: (table: ContactTable) => Promise<T>): Promise<T> {
    const { table, close } = await this.open(upload, this.config.INGEST_MAX_FILE_BYTES);
    try {
      return await fn(table);
    } finally {
      close();
    }
  }

  private async open(upload: UploadReference, maxBytes: number): Promise<{ table: ContactTable; close: () => void }> {
    if (upload.size > maxBytes) {
      throw new ServiceError('payload_too_large', `the file is larger than the limit of ${maxBytes} bytes`, {
        limit_bytes: maxBytes,
      });
    }
    const opened: Readable[] = [];
    const openBytes = async (): Promise<Readable> => {
      // Read with backpressure: the parser, not the network, sets the pace, so memory stays flat.
      const bytes = await this.store.get(upload.object_name);
      if (!bytes) throw new ServiceError('not_found', `upload ${upload.object_name} not found`);
      opened.push(bytes);
      return bytes;
    };
    const close = () => {
      for (const bytes of opened) bytes.destroy();
    };
    try {
      const table = isJsonUpload(upload.filename, upload.content_type)
        ? await openJsonArray(openBytes, maxBytes)
        : await openCsv(await openBytes(), maxBytes);
      return { table, close };
    } catch (error) {
      close();
      throw error;
    }
  }

  /** Deletes the upload from the object store (read once: created, validated or refused). Never throws. */
  async discard(upload: UploadReference): Promise<void> {
    await this.store.delete(upload.object_name).catch(() => undefined);
  }
}
