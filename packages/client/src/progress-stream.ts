import { createParser, EventSourceMessage } from 'eventsource-parser';

/**
 * One message of the live progress stream (`GET /api/batch-calls/{id}/events`, SPEC §8): `status`
 * (the state when the stream opened), `progress` (at most ~10 a second), `final` (the batch reached
 * `completed`, `failed` or `cancelled`; the stream then ends). `batch` is the batch status (§8).
 */
export interface ProgressMessage<B> {
  type: 'status' | 'progress' | 'final';
  batch: B;
  /** The SSE `id` (ms timestamp of the server), if sent. */
  id?: string;
}

/**
 * Reads a `text/event-stream` body into progress messages (parsed with eventsource-parser;
 * comments such as the gateway's `: keep-alive` are skipped, unknown event types ignored).
 * Throws when a `data` line is not JSON.
 */
export async function* readProgressStream<B>(body: ReadableStream<Uint8Array>): AsyncGenerator<ProgressMessage<B>> {
  const queue: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (event) => queue.push(event) });
  const decoder = new TextDecoder();
  const reader = body.getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      parser.feed(decoder.decode(value, { stream: true }));
      while (queue.length > 0) {
        const event = queue.shift()!;
        const type = event.event ?? 'message';
        if (type !== 'status' && type !== 'progress' && type !== 'final') continue;
        yield { type, batch: JSON.parse(event.data) as B, id: event.id };
      }
    }
  } finally {
    await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}
