import { OutdialApiError } from './errors';
import { RetryingTransport } from './transport';

const options = { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 1, maxRetryAfterMs: 60_000 };
const noSleep = async () => undefined;

/** A `fetch` that answers from a script and records every request it saw (with its body). */
function scripted(answers: (Response | Error)[]) {
  const seen: { method: string; body: string; key: string | null }[] = [];
  const fetchLike = async (request: Request) => {
    seen.push({
      method: request.method,
      body: request.body ? await request.text() : '',
      key: request.headers.get('idempotency-key'),
    });
    const next = answers.shift();
    if (!next) throw new Error('no more answers');
    if (next instanceof Error) throw next;
    return next;
  };
  return { fetchLike, seen };
}

describe('RetryingTransport', () => {
  it('sends a keyed JSON POST again with the same body and key after a 503 and a network error', async () => {
    const { fetchLike, seen } = scripted([
      new Response('', { status: 503 }),
      new TypeError('fetch failed'),
      new Response('{"ok":true}', { status: 201 }),
    ]);
    const transport = new RetryingTransport(fetchLike, options, noSleep);
    const response = await transport.send(
      new Request('http://api.test/api/batch-calls', {
        method: 'POST',
        body: '{"a":1}',
        headers: { 'idempotency-key': 'k1' },
      }),
    );
    expect(response.status).toBe(201);
    expect(seen).toEqual([
      { method: 'POST', body: '{"a":1}', key: 'k1' },
      { method: 'POST', body: '{"a":1}', key: 'k1' },
      { method: 'POST', body: '{"a":1}', key: 'k1' },
    ]);
  });

  it('returns the last answer once the retries are used up', async () => {
    const { fetchLike, seen } = scripted([
      new Response('', { status: 503 }),
      new Response('', { status: 503 }),
      new Response('', { status: 504 }),
    ]);
    const response = await new RetryingTransport(fetchLike, options, noSleep).send(new Request('http://api.test/x'));
    expect(response.status).toBe(504);
    expect(seen).toHaveLength(3);
  });

  it('throws connection_failed (status 0) when no attempt got an answer', async () => {
    const { fetchLike, seen } = scripted([
      new TypeError('fetch failed'),
      new TypeError('fetch failed'),
      new TypeError('fetch failed'),
    ]);
    const error = await new RetryingTransport(fetchLike, options, noSleep)
      .send(new Request('http://api.test/x'))
      .catch((e) => e);
    expect(error).toBeInstanceOf(OutdialApiError);
    expect(error).toMatchObject({ status: 0, code: 'connection_failed' });
    expect(seen).toHaveLength(3);
  });

  it('does not resend an unkeyed POST after a 503, but waits out a 429 with Retry-After', async () => {
    const first = scripted([new Response('', { status: 503 })]);
    expect(
      (
        await new RetryingTransport(first.fetchLike, options, noSleep).send(
          new Request('http://api.test/x', { method: 'POST', body: 'b' }),
        )
      ).status,
    ).toBe(503);
    expect(first.seen).toHaveLength(1);

    const waits: number[] = [];
    const second = scripted([
      new Response('', { status: 429, headers: { 'retry-after': '2' } }),
      new Response('ok', { status: 200 }),
    ]);
    const transport = new RetryingTransport(second.fetchLike, options, async (ms) => {
      waits.push(ms);
    });
    expect((await transport.send(new Request('http://api.test/x', { method: 'POST', body: 'b' }))).status).toBe(200);
    expect(waits).toEqual([2000]);
    expect(second.seen.map((s) => s.body)).toEqual(['b', 'b']);
  });

  it('rebuilds a streamed body with the replay function instead of buffering it', async () => {
    const { fetchLike, seen } = scripted([new Response('', { status: 502 }), new Response('', { status: 201 })]);
    const stream = (text: string) =>
      new Request('http://api.test/up', {
        method: 'POST',
        body: new Blob([text]).stream(),
        headers: { 'idempotency-key': 'k' },
        duplex: 'half',
      } as RequestInit);
    let replays = 0;
    const response = await new RetryingTransport(fetchLike, options, noSleep).send(stream('first'), () => {
      replays++;
      return stream('again');
    });
    expect(response.status).toBe(201);
    expect(replays).toBe(1);
    expect(seen.map((s) => s.body)).toEqual(['first', 'again']);
  });
});
