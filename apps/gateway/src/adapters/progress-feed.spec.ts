import { BatchStatusView, ProgressMessage } from '@outdial/contracts';
import { NatsBus, RpcClient } from '@outdial/service-runtime';

import { FeedMessageType, ProgressFeed } from './progress-feed';

const view = (status: string, done = 0): BatchStatusView =>
  ({ batch_id: 'batch_1', status, done }) as unknown as BatchStatusView;

/** A broker whose core subscription is driven by the test, and a reporting that answers `current` (after `beforeRead`). */
function harness(current: BatchStatusView, beforeRead: (push: (m: ProgressMessage) => void) => void = () => undefined) {
  let handler: ((m: ProgressMessage) => void) | undefined;
  let unsubscribed = 0;
  const push = (m: ProgressMessage) => handler?.(m);
  const bus = {
    async subscribeCore(_subject: string, h: (m: ProgressMessage) => void) {
      handler = h;
      return () => void unsubscribed++;
    },
  } as unknown as NatsBus;
  const rpc = {
    async request() {
      beforeRead(push);
      return current;
    },
  } as unknown as RpcClient;
  const sent: [FeedMessageType, string][] = [];
  let ended = 0;
  const listener = {
    send: (type: FeedMessageType, batch: BatchStatusView) => void sent.push([type, batch.status]),
    end: () => void ended++,
  };
  return {
    feed: new ProgressFeed(bus, rpc),
    push,
    sent,
    listener,
    ended: () => ended,
    unsubscribed: () => unsubscribed,
  };
}

describe('ProgressFeed', () => {
  it('sends the current state, then progress, then final; unsubscribes at the end', async () => {
    const h = harness(view('running'));
    await h.feed.open('org', 'batch_1', h.listener);
    h.push({ type: 'progress', batch: view('running', 1) } as ProgressMessage);
    h.push({ type: 'progress', batch: view('completed', 2) } as ProgressMessage);
    h.push({ type: 'progress', batch: view('running', 3) } as ProgressMessage);
    expect(h.sent).toEqual([
      ['status', 'running'],
      ['progress', 'running'],
      ['final', 'completed'],
    ]);
    expect([h.ended(), h.unsubscribed()]).toEqual([1, 1]);
  });

  it('drops progress from before the state was read, but not a final that came then', async () => {
    const h = harness(view('running'), (push) => {
      push({ type: 'progress', batch: view('running', 1) } as ProgressMessage);
      push({ type: 'final', batch: view('cancelled') } as ProgressMessage);
    });
    await h.feed.open('org', 'batch_1', h.listener);
    expect(h.sent).toEqual([
      ['status', 'running'],
      ['final', 'cancelled'],
    ]);
    expect(h.ended()).toBe(1);
  });

  it('an already final batch is status then final at once; an invalid id is not_found before subscribing', async () => {
    const h = harness(view('completed'));
    await h.feed.open('org', 'batch_1', h.listener);
    expect(h.sent).toEqual([
      ['status', 'completed'],
      ['final', 'completed'],
    ]);
    await expect(h.feed.open('org', 'bad id*', h.listener)).rejects.toMatchObject({ code: 'not_found' });
  });
});
