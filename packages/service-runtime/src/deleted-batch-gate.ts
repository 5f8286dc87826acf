import { BATCH_ID_HEADER } from '@outdial/contracts';

import type { MessageGate, MessageHeaderView } from './jetstream-transport';

/** Deleted batch ids remembered per process (a tombstone is forever; the bound only caps memory). */
const REMEMBERED = 10_000;

/**
 * Base of the consumer gates that drop a deleted batch's bulk messages unparsed (issue 15, no
 * head-of-line blocking): a message whose `Outdial-Batch-Id` header (BATCH_ID_HEADER) names a batch
 * the service holds a tombstone for is dropped with reason `batch_deleted` before its up to 1,000
 * contacts are parsed and validated, so a huge batch deleted while its chunks are in flight costs one
 * primary-key probe per chunk instead of ~40 ms of parsing ahead of other tenants' messages. Messages
 * without the header are handled as usual. Subclasses say how their service finds a tombstone;
 * what they throw makes the transport handle the message normally.
 */
export abstract class DeletedBatchGate implements MessageGate {
  private readonly deleted = new Set<string>();

  /** Whether the service holds a tombstone for the batch (it was deleted). */
  protected abstract isDeleted(batchId: string): Promise<boolean>;

  async dropReason(headers: MessageHeaderView): Promise<string | null> {
    const batchId = headers.get(BATCH_ID_HEADER);
    if (!batchId) return null;
    if (this.deleted.has(batchId)) return 'batch_deleted';
    if (!(await this.isDeleted(batchId))) return null;
    if (this.deleted.size >= REMEMBERED) this.deleted.clear();
    this.deleted.add(batchId);
    return 'batch_deleted';
  }
}
