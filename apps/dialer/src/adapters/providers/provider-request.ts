/** What came back from a provider's API, or why nothing did. */
export type ProviderResponse =
  | { kind: 'response'; status: number; headers: Headers; text: string }
  /** Connection refused / DNS failure: the request provably never reached the provider. */
  | { kind: 'not_sent'; error: string }
  /** Timeout or connection lost after sending: the provider may or may not have acted on it. */
  | { kind: 'unknown'; error: string };

const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** One HTTP request to a provider, classified so adapters can keep dialing at most once. */
export async function providerRequest(url: string, init: RequestInit, timeoutMs: number): Promise<ProviderResponse> {
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    return { kind: 'response', status: response.status, headers: response.headers, text: await response.text() };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    const message = `${(error as Error).message}${cause?.code ? ` (${cause.code})` : ''}`;
    if (cause?.code && NOT_SENT_CODES.has(cause.code)) return { kind: 'not_sent', error: message };
    return { kind: 'unknown', error: message };
  }
}

/** Retry-After (seconds or an HTTP date) in ms, within [minMs, maxMs]. */
export function retryAfterMs(
  header: string | null,
  fallbackMs: number,
  nowMs: number,
  minMs = 100,
  maxMs = 60_000,
): number {
  let ms = fallbackMs;
  if (header) {
    const seconds = Number(header);
    if (Number.isFinite(seconds)) ms = seconds * 1000;
    else if (!Number.isNaN(Date.parse(header))) ms = Date.parse(header) - nowMs;
  }
  return Math.min(maxMs, Math.max(minMs, ms));
}
