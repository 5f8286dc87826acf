import { Injectable } from '@nestjs/common';
import {
  BatchStatusView,
  FINAL_BATCH_STATUSES,
  ProgressMessage,
  progressSubject,
  SUBJECT_TOKEN_PATTERN,
  Subjects,
} from '@outdial/contracts';
import { NatsBus, RpcClient, ServiceError } from '@outdial/service-runtime';

export type FeedMessageType = 'status' | 'progress' | 'final';

export interface FeedListener {
  send(type: FeedMessageType, batch: BatchStatusView): void;
  /** The batch reached a final status and its final message was sent. */
  end(): void;
}

export interface OpenFeed {
  close(): void;
}

const isFinal = (status: string) => (FINAL_BATCH_STATUSES as readonly string[]).includes(status);

/**
 * One client's live progress of one batch (SSE and WebSocket share it): subscribes to reporting's
 * coalesced progress messages first, then reads the current state, so nothing between the two is
 * missed. The client gets the current state (`status`), then `progress` messages, then `final`
 * once the batch is completed, failed or cancelled (at once if it already is). Another org's
 * batch is a not_found before anything is sent.
 */
@Injectable()
export class ProgressFeed {
  constructor(
    private readonly bus: NatsBus,
    private readonly rpc: RpcClient,
  ) {}

  async open(orgId: string, batchId: string, listener: FeedListener): Promise<OpenFeed> {
    if (!SUBJECT_TOKEN_PATTERN.test(batchId)) throw new ServiceError('not_found', 'batch not found');
    let ready = false;
    let closed = false;
    let pendingFinal: BatchStatusView | null = null;
    let unsubscribe: (() => void) | undefined;
    const close = () => {
      if (closed) return;
      closed = true;
      unsubscribe?.();
    };
    const deliver = (type: FeedMessageType, batch: BatchStatusView) => {
      if (closed) return;
      listener.send(type, batch);
      if (type === 'final') {
        close();
        listener.end();
      }
    };
    let current: BatchStatusView;
    try {
      // Resolves once the subscription is registered at the server, so nothing between it and the state read is missed.
      unsubscribe = await this.bus.subscribeCore<ProgressMessage>(progressSubject(batchId), (message) => {
        if (closed) return;
        // Messages from before the current state was read carry nothing newer, except the end.
        if (!ready) {
          if (message.type === 'final') pendingFinal = message.batch;
          return;
        }
        deliver(message.type === 'final' || isFinal(message.batch.status) ? 'final' : 'progress', message.batch);
      });
      current = await this.rpc.request(Subjects.reportingGetBatch, { org_id: orgId, batch_id: batchId });
    } catch (error) {
      close();
      throw error;
    }
    // Org is checked by the read above; messages are only ever forwarded after it succeeded.
    ready = true;
    listener.send('status', current);
    if (isFinal(current.status)) deliver('final', current);
    else if (pendingFinal) deliver('final', pendingFinal);
    return { close };
  }
}
