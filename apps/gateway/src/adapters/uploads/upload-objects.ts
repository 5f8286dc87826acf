import { Injectable } from '@nestjs/common';
import { UploadReference } from '@outdial/contracts';
import { NatsBus } from '@outdial/service-runtime';

/** The uploads bucket of the JetStream object store, for what the gateway removes from it. */
@Injectable()
export class UploadObjects {
  constructor(private readonly bus: NatsBus) {}

  /** Deletes an upload nobody will read (a refused, replayed or abandoned create); a failed delete is ignored. */
  async discard(upload: Pick<UploadReference, 'object_name'>): Promise<void> {
    const store = await this.bus.uploads();
    await store.delete(upload.object_name).catch(() => undefined);
  }
}
