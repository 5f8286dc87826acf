import { Readable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { UploadReference } from '@outdial/contracts';
import { NatsBus, ServiceError } from '@outdial/service-runtime';
import { ContactTable, isJsonUpload, openCsv, openJsonArray } from '../../sources/contact-source';

/** Opens an upload from the JetStream object store as a contact table, streaming. */
@Injectable()
export class UploadReader {
  constructor(private readonly bus: NatsBus) {}

  async open(upload: UploadReference, maxBytes: number): Promise<{ table: ContactTable; close: () => void }> {
    if (upload.size > maxBytes) {
      throw new ServiceError('payload_too_large', `the file is larger than the limit of ${maxBytes} bytes`, { limit_bytes: maxBytes });
    }
    const opened: Readable[] = [];
    const openBytes = async (): Promise<Readable> => {
      // Read with backpressure: the parser, not the network, sets the pace, so memory stays flat.
      const bytes = await this.bus.readUpload(upload.object_name);
      if (!bytes) throw new ServiceError('not_found', `upload ${upload.object_name} not found`);
      opened.push(bytes);
      return bytes;
    };
    const close = () => {
      for (const bytes of opened) bytes.destroy();
    };
    try {
      const table = isJsonUpload(upload.filename, upload.content_type) ? await openJsonArray(openBytes, maxBytes) : await openCsv(await openBytes(), maxBytes);
      return { table, close };
    } catch (error) {
      close();
      throw error;
    }
  }

  async discard(upload: UploadReference): Promise<void> {
    const store = await this.bus.uploads();
    await store.delete(upload.object_name).catch(() => undefined);
  }
}
