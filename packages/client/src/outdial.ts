import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import createClient, { Client } from 'openapi-fetch';

import { OutdialApiError } from './errors';
import { fileUpload, formFields, ProgressCallback } from './multipart';
import { ProgressMessage, readProgressStream } from './progress-stream';
import { backoffMs, DEFAULT_RETRY_OPTIONS, RetryOptions } from './retry-policy';
import type { paths } from './schema';
import { FetchLike, RetryingTransport } from './transport';

type Json<P extends keyof paths, M extends keyof paths[P], S extends number = 200> = paths[P][M] extends {
  responses: { [K in S]: { content: { 'application/json': infer T } } };
}
  ? T
  : never;
type Query<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends { parameters: { query?: infer Q } }
  ? NonNullable<Q>
  : never;

/** Batch status (SPEC §8), as `GET /api/batch-calls/{id}` answers it. */
export type BatchStatus = Json<'/api/batch-calls/{id}', 'get'>;
/** `201` answer of a create: batch id, status, validation report, estimates (SPEC §9). */
export type CreatedBatch = Json<'/api/batch-calls', 'post', 201>;
/** The validation report (SPEC §2). */
export type ValidationReport = NonNullable<Json<'/api/batch-calls/validate', 'post'>['validation']>;
export type BatchList = Json<'/api/batch-calls', 'get'>;
export type BatchListQuery = Query<'/api/batch-calls', 'get'>;
export type ContactPage = Json<'/api/batch-calls/{id}/contacts', 'get'>;
export type ContactItem = NonNullable<ContactPage['items']>[number];
export type ContactQuery = Query<'/api/batch-calls/{id}/contacts', 'get'>;
export type CallPage = Json<'/api/batch-calls/{id}/calls', 'get'>;
export type CallItem = NonNullable<CallPage['items']>[number];
export type LifecycleResult = Json<'/api/batch-calls/{id}/pause', 'post'>;
export type SuppressionPage = Json<'/api/suppression-list', 'get'>;
export type SuppressionItem = NonNullable<SuppressionPage['items']>[number];
export type ResultsFilter = NonNullable<Query<'/api/batch-calls/{id}/results', 'get'>['filter']>;
export type BatchProgress = ProgressMessage<BatchStatus>;

type MultipartCreate = NonNullable<paths['/api/batch-calls']['post']['requestBody']>['content']['multipart/form-data'];

/**
 * Batch settings (SPEC §3). Keys are the API's (snake_case); object and list settings
 * (`retry_policy`, `call_timing`, `column_mapping`, `metadata`) may be given as objects: the
 * client sends them as JSON text in a multipart request. Settings the document does not list
 * (e.g. `bypass_call_guardrails`, `priority`) pass through unchanged.
 */
export type BatchSettings = { [K in Exclude<keyof MultipartCreate, 'file'>]?: unknown } & Record<string, unknown>;

/** A create or dry run: a file on disk (streamed) or the contacts inline (`calls`, JSON body). */
export type ContactSource = { file: string; calls?: never } | { calls: Record<string, unknown>[]; file?: never };

export interface UploadOptions {
  /** Bytes of the multipart body sent so far (file uploads only). */
  onUploadProgress?: ProgressCallback;
  /** `Idempotency-Key` (creates; default a random UUID, so a retried create never makes two batches). */
  idempotencyKey?: string;
  signal?: AbortSignal;
}

export interface DownloadOptions {
  onProgress?: ProgressCallback;
  signal?: AbortSignal;
}

export interface OutdialOptions {
  /** The gateway's base URL, e.g. `http://127.0.0.1:8010`. */
  baseUrl: string;
  /** An API token (`Authorization: Bearer`). Never logged or echoed by the client. */
  token: string;
  /** Org id sent as `x-workspace-id` (optional; must match the token's org). */
  workspaceId?: string;
  retry?: Partial<RetryOptions>;
  /** A `fetch` to send requests with (default the global one). */
  fetch?: FetchLike;
  /** `User-Agent` (default `outdial-client/0.1`). */
  userAgent?: string;
}

/** Statuses after which a batch never changes again (SPEC §4). */
export const FINAL_BATCH_STATUSES: ReadonlySet<string> = new Set(['completed', 'failed', 'cancelled']);

/**
 * Typed client of the Outdial public API (SPEC §9), built on openapi-fetch and the types
 * generated from the gateway's OpenAPI document (`schema.ts`).
 *
 * - `api` is the raw typed client: every route of the document, with this client's auth and retries.
 * - Errors: every method throws `OutdialApiError` (status, code, message, details) on a non-2xx
 *   answer, and with code `connection_failed` when no answer arrived after the retries.
 * - Retries: see `decideRetry` (GET/HEAD and keyed creates on 502/503/504 and network errors;
 *   any request on 429 with `Retry-After`; bounded).
 */
export class Outdial {
  /** The openapi-fetch client: `outdial.api.GET('/api/org')` etc., typed from the document. */
  readonly api: Client<paths>;
  private readonly transport: RetryingTransport;
  private readonly retry: RetryOptions;

  constructor(options: OutdialOptions) {
    if (!options.baseUrl) throw new TypeError('Outdial: baseUrl is required');
    if (!options.token) throw new TypeError('Outdial: token is required');
    this.retry = { ...DEFAULT_RETRY_OPTIONS, ...options.retry };
    this.transport = new RetryingTransport(options.fetch, this.retry);
    this.api = createClient<paths>({
      baseUrl: options.baseUrl.replace(/\/+$/, ''),
      headers: {
        Authorization: `Bearer ${options.token}`,
        'User-Agent': options.userAgent ?? 'outdial-client/0.1',
        ...(options.workspaceId ? { 'x-workspace-id': options.workspaceId } : {}),
      },
      fetch: (request) => this.transport.send(request),
    });
  }

  // ---- batches -------------------------------------------------------------------------------

  /**
   * Creates a batch (`POST /api/batch-calls`) from a file (multipart, streamed from disk, with
   * byte progress) or inline `calls` (JSON). Sends `Idempotency-Key` (random unless given), so
   * the retries are safe. Resolves to the `201` answer with the validation report.
   */
  async createBatch(
    source: ContactSource & BatchSettings & { agent_id: string },
    options: UploadOptions = {},
  ): Promise<CreatedBatch> {
    const key = options.idempotencyKey ?? randomUUID();
    if (source.calls) {
      return this.unwrap(
        await this.api.POST('/api/batch-calls', {
          params: { header: { 'Idempotency-Key': key } },
          body: source as never,
          signal: options.signal,
        }),
      ) as CreatedBatch;
    }
    return (await this.upload('/api/batch-calls', source, { ...options, idempotencyKey: key })) as CreatedBatch;
  }

  /** Dry run (`POST /api/batch-calls/validate`): the validation report; nothing is stored. */
  async validate(
    source: ContactSource & BatchSettings & { agent_id: string },
    options: Omit<UploadOptions, 'idempotencyKey'> = {},
  ): Promise<ValidationReport> {
    const answer = source.calls
      ? this.unwrap(await this.api.POST('/api/batch-calls/validate', { body: source as never, signal: options.signal }))
      : await this.upload('/api/batch-calls/validate', source, options);
    return (answer as { validation: ValidationReport }).validation;
  }

  /** One page of batches (`GET /api/batch-calls`; `status`, `search`, `page`, `page_size`). */
  async listBatches(query: BatchListQuery = {}): Promise<BatchList> {
    return this.unwrap(await this.api.GET('/api/batch-calls', { params: { query } }));
  }

  /** Every batch matching `query`, page after page. */
  batches(query: Omit<BatchListQuery, 'page'> = {}): AsyncGenerator<NonNullable<BatchList['items']>[number]> {
    return paginate((page) => this.listBatches({ ...query, page }));
  }

  /** Batch status (SPEC §8). */
  async getBatch(id: string): Promise<BatchStatus> {
    return this.unwrap(await this.api.GET('/api/batch-calls/{id}', { params: { path: { id } } }));
  }

  /** One page of a batch's contacts (`status` filter, `search`, `page`, `page_size` 25/50/100). */
  async listContacts(id: string, query: ContactQuery = {}): Promise<ContactPage> {
    return this.unwrap(await this.api.GET('/api/batch-calls/{id}/contacts', { params: { path: { id }, query } }));
  }

  /** Every contact of a batch matching `query`, page after page. */
  contacts(id: string, query: Omit<ContactQuery, 'page'> = {}): AsyncGenerator<ContactItem> {
    return paginate((page) => this.listContacts(id, { ...query, page }));
  }

  /** Every call attempt of a batch, page after page. */
  calls(id: string, query: { page_size?: number } = {}): AsyncGenerator<CallItem> {
    return paginate(async (page) =>
      this.unwrap(
        await this.api.GET('/api/batch-calls/{id}/calls', { params: { path: { id }, query: { ...query, page } } }),
      ),
    );
  }

  /** `POST …/pause` (running only; else 409 `invalid_transition`, SPEC §4). */
  async pause(id: string): Promise<LifecycleResult> {
    return this.unwrap(await this.api.POST('/api/batch-calls/{id}/pause', { params: { path: { id } } }));
  }

  /** `POST …/resume` (paused only). */
  async resume(id: string): Promise<LifecycleResult> {
    return this.unwrap(await this.api.POST('/api/batch-calls/{id}/resume', { params: { path: { id } } }));
  }

  /** `POST …/cancel` (irreversible; calls in progress finish). */
  async cancel(id: string): Promise<LifecycleResult> {
    return this.unwrap(await this.api.POST('/api/batch-calls/{id}/cancel', { params: { path: { id } } }));
  }

  /** `DELETE /api/batch-calls/{id}`: removes the batch and its data (not while running). */
  async deleteBatch(id: string): Promise<LifecycleResult> {
    return this.unwrap(await this.api.DELETE('/api/batch-calls/{id}', { params: { path: { id } } }));
  }

  /** `POST …/reschedule`: a new start (ISO 8601; without offset read in `timezone`), pending/scheduled only. */
  async reschedule(id: string, body: { scheduled_start_time: string; timezone?: string }): Promise<LifecycleResult> {
    return this.unwrap(await this.api.POST('/api/batch-calls/{id}/reschedule', { params: { path: { id } }, body }));
  }

  /**
   * `POST /api/batch-calls/{id}/redial` (SPEC §4, §9): a new batch from the contacts of `id` whose
   * final status is in `statuses`, with the original's settings unless overridden; `201` like a
   * create. The route is not in the snapshot this client was generated from yet, so it is called
   * through the untyped side of openapi-fetch; regenerate (`npm run generate -w @outdial/client`)
   * once the gateway documents it.
   */
  async redial(
    id: string,
    body: { statuses: string[] } & BatchSettings,
    options: Pick<UploadOptions, 'idempotencyKey' | 'signal'> = {},
  ): Promise<CreatedBatch> {
    const untyped = this.api as unknown as Client<Record<string, Record<string, unknown>>>;
    const answer = await (
      untyped.POST as (path: string, init: unknown) => Promise<{ data?: unknown; error?: unknown; response: Response }>
    )('/api/batch-calls/{id}/redial', {
      params: { path: { id }, header: { 'Idempotency-Key': options.idempotencyKey ?? randomUUID() } },
      body,
      signal: options.signal,
    });
    return this.unwrap(answer as { data?: CreatedBatch; error?: unknown; response: Response });
  }

  // ---- results and reports ---------------------------------------------------------------------

  /**
   * Streams the results CSV (`GET …/results?filter=all|successful|failed`, SPEC §8) into `destination`
   * (a file path, created or truncated, or a writable stream), never holding it in memory. Resolves
   * to the byte count.
   */
  async downloadResults(
    id: string,
    destination: string | Writable,
    options: DownloadOptions & { filter?: ResultsFilter } = {},
  ): Promise<{ bytes: number }> {
    const answer = await this.api.GET('/api/batch-calls/{id}/results', {
      params: { path: { id }, query: options.filter ? { filter: options.filter } : {} },
      parseAs: 'stream',
      signal: options.signal,
    });
    return this.saveStream(answer, destination, options.onProgress);
  }

  /** The batch report as JSON (`GET …/report.json`: summary, outcome breakdown, cost, timing). */
  async reportJson(id: string): Promise<Record<string, unknown>> {
    return this.unwrap(await this.api.GET('/api/batch-calls/{id}/report.json', { params: { path: { id } } })) as Record<
      string,
      unknown
    >;
  }

  /** Streams the PDF report (`GET …/report.pdf`) into `destination`. */
  async downloadReportPdf(
    id: string,
    destination: string | Writable,
    options: DownloadOptions = {},
  ): Promise<{ bytes: number }> {
    const answer = await this.api.GET('/api/batch-calls/{id}/report.pdf', {
      params: { path: { id } },
      parseAs: 'stream',
      signal: options.signal,
    });
    return this.saveStream(answer, destination, options.onProgress);
  }

  // ---- live progress -----------------------------------------------------------------------------

  /**
   * Live progress of a batch (`GET /api/batch-calls/{id}/events`, Server-Sent Events, SPEC §8) as an
   * async iterator: a `status` message first, then `progress` messages, and a `final` one when the
   * batch is `completed`, `failed` or `cancelled`, after which the iterator ends. A stream that drops
   * before `final` is reopened (up to `retry.maxRetries` times in a row, with backoff); breaking out
   * of the loop or aborting `signal` closes it.
   */
  async *watch(id: string, options: { signal?: AbortSignal } = {}): AsyncGenerator<BatchProgress> {
    let failures = 0;
    for (;;) {
      const controller = new AbortController();
      const onAbort = () => controller.abort(options.signal?.reason);
      options.signal?.addEventListener('abort', onAbort, { once: true });
      try {
        let body: ReadableStream<Uint8Array> | null | undefined;
        try {
          const answer = await this.api.GET('/api/batch-calls/{id}/events', {
            params: { path: { id } },
            parseAs: 'stream',
            headers: { Accept: 'text/event-stream' },
            signal: controller.signal,
          });
          body = this.unwrap(answer) as ReadableStream<Uint8Array> | null | undefined;
        } catch (error) {
          if (!(error instanceof OutdialApiError) || error.status !== 0 || options.signal?.aborted) throw error;
        }
        if (body) {
          let lastStatus: string | undefined;
          try {
            for await (const message of readProgressStream<BatchStatus>(body)) {
              failures = 0;
              lastStatus = String(message.batch.status);
              yield message;
              if (message.type === 'final') return;
            }
          } catch (error) {
            if (options.signal?.aborted || error instanceof SyntaxError) throw error;
          }
          // The server ends the stream after `final`; one that ended on a final status is done too.
          if (lastStatus && FINAL_BATCH_STATUSES.has(lastStatus)) return;
        }
      } finally {
        options.signal?.removeEventListener('abort', onAbort);
        controller.abort();
      }
      // The stream ended or dropped before the batch was final: open it again.
      if (++failures > this.retry.maxRetries)
        throw new OutdialApiError(
          0,
          'stream_interrupted',
          `the progress stream of ${id} ended ${failures} times before the batch was final`,
        );
      await new Promise((r) => setTimeout(r, backoffMs(failures, this.retry)));
    }
  }

  /** Follows `watch` until the batch is final; resolves to its last status. */
  async waitUntilFinal(
    id: string,
    options: { signal?: AbortSignal; onProgress?: (message: BatchProgress) => void } = {},
  ): Promise<BatchStatus> {
    let last: BatchStatus | undefined;
    for await (const message of this.watch(id, options)) {
      options.onProgress?.(message);
      last = message.batch;
    }
    return last ?? this.getBatch(id);
  }

  // ---- suppression list (DNC) ----------------------------------------------------------------------

  /** Adds numbers to the org's do-not-call list (`POST /api/suppression-list`). */
  async addSuppression(
    numbers: string[],
    options: { reason?: string; default_region?: string } = {},
  ): Promise<Record<string, unknown>> {
    return this.unwrap(await this.api.POST('/api/suppression-list', { body: { numbers, ...options } })) as Record<
      string,
      unknown
    >;
  }

  /**
   * Removes a number (`DELETE /api/suppression-list/{phone}`); national numbers use `default_region`.
   * (The document marks this route's and the list's query parameters required strings; the gateway
   * treats them as optional, hence the casts.)
   */
  async removeSuppression(
    phone: string,
    options: { default_region?: string } = {},
  ): Promise<{ phone?: string; removed?: boolean }> {
    return this.unwrap(
      await this.api.DELETE('/api/suppression-list/{phone}', { params: { path: { phone }, query: options as never } }),
    );
  }

  /** Imports a CSV of numbers (`POST /api/suppression-list/import`, multipart, streamed). */
  async importSuppression(
    file: string,
    options: { reason?: string; default_region?: string } & Pick<UploadOptions, 'onUploadProgress' | 'signal'> = {},
  ): Promise<Record<string, unknown>> {
    const { onUploadProgress, signal, ...fields } = options;
    return (await this.upload(
      '/api/suppression-list/import',
      { file, ...fields },
      { onUploadProgress, signal },
    )) as Record<string, unknown>;
  }

  /** Every number on the list matching `search`, page after page. */
  suppression(query: { search?: string; page_size?: number } = {}): AsyncGenerator<SuppressionItem> {
    return paginate(async (page) =>
      this.unwrap(await this.api.GET('/api/suppression-list', { params: { query: { ...query, page } as never } })),
    );
  }

  // ---- plumbing ------------------------------------------------------------------------------------

  /** A streamed multipart POST of `source.file` plus the other settings as form fields. */
  private async upload(
    path: '/api/batch-calls' | '/api/batch-calls/validate' | '/api/suppression-list/import',
    source: { file?: string } & Record<string, unknown>,
    options: UploadOptions,
  ): Promise<unknown> {
    const { file, ...settings } = source;
    const multipart = await fileUpload(file as string, formFields(settings));
    const first = multipart.open(options.onUploadProgress);
    const headers: Record<string, string> = { ...first.headers };
    if (options.idempotencyKey) headers['Idempotency-Key'] = options.idempotencyKey;
    const answer = await this.api.POST(path, {
      body: first.body as never,
      bodySerializer: (body: unknown) => body,
      headers,
      duplex: 'half',
      signal: options.signal,
      // A retry streams the file again from the start (with a new boundary).
      fetch: (request: Request) =>
        this.transport.send(request, () => {
          const again = multipart.open(options.onUploadProgress);
          const replayHeaders = new Headers(request.headers);
          for (const [k, v] of Object.entries(again.headers)) replayHeaders.set(k, v);
          return new Request(request.url, {
            method: request.method,
            headers: replayHeaders,
            body: again.body,
            signal: request.signal,
            duplex: 'half',
          } as RequestInit);
        }),
    } as never);
    return this.unwrap(answer as { data?: unknown; error?: unknown; response: Response });
  }

  private async saveStream(
    answer: { data?: unknown; error?: unknown; response: Response },
    destination: string | Writable,
    onProgress?: ProgressCallback,
  ): Promise<{ bytes: number }> {
    const body = this.unwrap(answer) as ReadableStream<Uint8Array> | null | undefined;
    const lengthHeader = answer.response.headers.get('content-length');
    const total = lengthHeader ? Number(lengthHeader) : undefined;
    let bytes = 0;
    const source = body
      ? Readable.fromWeb(body as import('node:stream/web').ReadableStream<Uint8Array>)
      : Readable.from([]);
    source.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      onProgress?.({ loaded: bytes, total });
    });
    await pipeline(source, typeof destination === 'string' ? createWriteStream(destination) : destination);
    onProgress?.({ loaded: bytes, total: total ?? bytes });
    return { bytes };
  }

  /** The data of a 2xx answer, else throws `OutdialApiError` built from the error body. */
  private unwrap<T>(answer: { data?: T; error?: unknown; response: Response }): T {
    if (answer.response.ok) return answer.data as T;
    throw OutdialApiError.fromResponse(answer.response.status, answer.error, answer.response.headers);
  }
}

/**
 * Iterates the items of a paged list (`{items, total, page, page_size}`, SPEC §9) from page 1
 * until `total` items were seen or a page comes back empty.
 */
export async function* paginate<T>(
  fetchPage: (page: number) => Promise<{ items?: T[]; total?: number; page_size?: number }>,
): AsyncGenerator<T> {
  let seen = 0;
  for (let page = 1; ; page++) {
    const answer = await fetchPage(page);
    const items = answer.items ?? [];
    for (const item of items) yield item;
    seen += items.length;
    if (items.length === 0 || (answer.total !== undefined && seen >= answer.total)) return;
    if (answer.page_size !== undefined && items.length < answer.page_size) return;
  }
}
