import { httpStatusForErrorCode } from '@outdial/contracts';

/** The public error codes the domain refuses with (a subset of `@outdial/contracts`' error codes). */
export type IngestRefusalCode = 'validation_failed' | 'missing_phone_column' | 'invalid_file' | 'too_many_rows' | 'unprocessable';

/**
 * A file or a value the domain refuses (SPEC §2): what the caller is told, with a public error code
 * and its details. Thrown by pure code, which knows nothing of the runtime; the handlers turn it
 * into the runtime's `ServiceError` (same code, message and details) before it crosses the wire.
 */
export class IngestRefusal extends Error {
  constructor(
    readonly code: IngestRefusalCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'IngestRefusal';
  }

  /** The HTTP status the gateway answers this code with (contracts' error table). */
  get httpStatus(): number {
    return httpStatusForErrorCode(this.code);
  }
}
