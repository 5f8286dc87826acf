import { Injectable } from '@nestjs/common';
import { UploadReference } from '@outdial/contracts';
import { UploadStore } from '@outdial/service-runtime';

/** What the gateway removes from the uploads object store (the runtime's UploadStore port). */
@Injectable()
export class UploadObjects {
  constructor(private readonly uploads: UploadStore) {}

  /** Deletes an upload nobody will read (a refused, replayed or abandoned create); a failed delete is ignored. */
  async discard(upload: Pick<UploadReference, 'object_name'>): Promise<void> {
    await this.uploads.delete(upload.object_name).catch(() => undefined);
  }
}
