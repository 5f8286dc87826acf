import { readProgressStream } from './progress-stream';

function body(chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
}

describe('readProgressStream', () => {
  it('yields status, progress and final messages across chunk boundaries, skipping comments and other events', async () => {
    const stream = body([
      'event: status\nid: 1\ndata: {"status":"running","completed":0}\n\n: keep-alive\n\n',
      'event: progress\ndata: {"status":"run',
      'ning","completed":1}\n\nevent: other\ndata: {}\n\n',
      'event: final\ndata: {"status":"completed","completed":2}\n\n',
    ]);
    const messages = [];
    for await (const message of readProgressStream<{ status: string; completed: number }>(stream))
      messages.push(message);
    expect(messages).toEqual([
      { type: 'status', id: '1', batch: { status: 'running', completed: 0 } },
      { type: 'progress', id: undefined, batch: { status: 'running', completed: 1 } },
      { type: 'final', id: undefined, batch: { status: 'completed', completed: 2 } },
    ]);
  });

  it('throws on a data line that is not JSON', async () => {
    const iterate = async () => {
      for await (const _ of readProgressStream(body(['event: progress\ndata: nope\n\n']))) void _;
    };
    await expect(iterate()).rejects.toThrow(SyntaxError);
  });
});
