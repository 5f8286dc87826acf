/**
 * The Outdial public API client. `Outdial` is the typed client (openapi-fetch over the types
 * generated from the gateway's OpenAPI document, `packages/client/openapi.json`, a snapshot of
 * `GET /docs-json`; `npm run generate -w @outdial/client` refreshes both from a running gateway).
 * `paths` maps each route and method to its parameters, bodies and replies.
 */
export type { paths, components, operations } from './schema';
export { Outdial, paginate, FINAL_BATCH_STATUSES } from './outdial';
export type {
  OutdialOptions,
  BatchStatus,
  BatchProgress,
  BatchList,
  BatchListQuery,
  BatchSettings,
  CallItem,
  ContactItem,
  ContactPage,
  ContactQuery,
  ContactSource,
  CreatedBatch,
  DownloadOptions,
  LifecycleResult,
  ResultsFilter,
  SuppressionItem,
  UploadOptions,
  ValidationReport,
} from './outdial';
export { OutdialApiError } from './errors';
export { decideRetry, parseRetryAfter, backoffMs, DEFAULT_RETRY_OPTIONS } from './retry-policy';
export type { RetryOptions } from './retry-policy';
export type { ByteProgress, ProgressCallback } from './multipart';
export type { ProgressMessage } from './progress-stream';
export { readProgressStream } from './progress-stream';
export { RetryingTransport } from './transport';
export type { FetchLike } from './transport';
