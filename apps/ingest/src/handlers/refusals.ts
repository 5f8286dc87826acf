import { ServiceError } from '@outdial/service-runtime';

import { IngestRefusal } from '../domain/ingest-refusal';

/**
 * `.catch` of every RPC handler: a domain refusal becomes the runtime's `ServiceError` (same code,
 * message and details), which the transport answers as `{ error: { code, message, details } }`;
 * any other error is rethrown as it is.
 */
export function refusalAsServiceError(error: unknown): never {
  if (error instanceof IngestRefusal) throw new ServiceError(error.code, error.message, error.details);
  throw error;
}
