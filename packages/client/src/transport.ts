import { OutdialApiError } from './errors';
import { decideRetry, DEFAULT_RETRY_OPTIONS, RetryOptions } from './retry-policy';

/** `fetch` as openapi-fetch calls it: one `Request` in, one `Response` out. */
export type FetchLike = (request: Request) => Promise<Response>;

/**
 * Sends a request, retrying it as `decideRetry` allows (see retry-policy.ts). A request whose body
 * is a one-shot stream (an upload) is retried only when a `replay` builds a fresh request;
 * a small body (JSON) is kept by cloning the request before the first attempt.
 * Throws `OutdialApiError` (`connection_failed`) when no attempt got an answer.
 */
export class RetryingTransport {
  constructor(
    private readonly baseFetch: FetchLike = (request) => fetch(request),
    private readonly options: RetryOptions = DEFAULT_RETRY_OPTIONS,
    private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void> = abortableSleep,
  ) {}

  async send(request: Request, replay?: () => Request): Promise<Response> {
    const template = replay || !request.body ? undefined : request.clone();
    const replayable = !!replay || !request.body || !!template;
    let current = request;
    for (let attempt = 0; ; attempt++) {
      let response: Response | undefined;
      let failure: unknown;
      try {
        response = await this.baseFetch(current);
      } catch (error) {
        if (isAbort(error)) throw error;
        failure = error;
      }
      const decision = decideRetry(
        {
          method: request.method,
          hasIdempotencyKey: request.headers.has('idempotency-key'),
          attempt,
          status: response?.status,
          retryAfter: response?.headers.get('retry-after'),
          replayable,
        },
        this.options,
      );
      if (response && (!decision.retry || response.ok)) return response;
      if (!decision.retry) throw OutdialApiError.connectionFailed(request.url, failure);
      await response?.body?.cancel().catch(() => undefined);
      await this.sleep(decision.delayMs, request.signal);
      current = replay ? replay() : template ? template.clone() : new Request(request);
    }
  }
}

function isAbort(error: unknown): boolean {
  return (error as { name?: string })?.name === 'AbortError';
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
