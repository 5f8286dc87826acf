/**
 * The Outdial public API client. `Outdial` is the typed client (openapi-fetch over the types
 * generated from the gateway's OpenAPI document, `packages/client/openapi.json`, a snapshot of
 * `GET /docs-json`; `npm run generate -w @outdial/client` refreshes both from a running gateway).
 * `paths` maps each route and method to its parameters, bodies and replies.
 */
export { OutdialApiError } from './errors';
export type { ByteProgress, ProgressCallback } from './multipart';
export type {
  BatchList,
  BatchListQuery,
  BatchProgress,
  BatchSettings,
  BatchStatus,
  CallItem,
  ContactItem,
  ContactPage,
  ContactQuery,
  ContactSource,
  CreatedBatch,
  DownloadOptions,
  LifecycleResult,
  OutdialOptions,
  ResultsFilter,
  SuppressionItem,
  UploadOptions,
  ValidationReport,
} from './outdial';
export { FINAL_BATCH_STATUSES, Outdial, paginate } from './outdial';
export type { ProgressMessage } from './progress-stream';
export { readProgressStream } from './progress-stream';
export type { RetryOptions } from './retry-policy';
export { backoffMs, decideRetry, DEFAULT_RETRY_OPTIONS, parseRetryAfter } from './retry-policy';
export type { components, operations, paths } from './schema';
export type { FetchLike } from './transport';
export { RetryingTransport } from './transport';
