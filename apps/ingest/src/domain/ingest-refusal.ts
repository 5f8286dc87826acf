import { ErrorCode, ErrorDetails, httpStatusForErrorCode } from '@outdial/contracts';

/** The public error codes the domain refuses with (a subset of the contracts' `ErrorCode`). */
export type IngestRefusalCode = Extract<
  ErrorCode,
  'validation_failed' | 'missing_phone_column' | 'invalid_file' | 'too_many_rows' | 'unprocessable'
>;

/**
 * A file or a value the domain refuses (SPEC §2): what the caller is told, with a public error code
 * and its details (`ErrorDetails<code>`). Thrown by pure code, which knows nothing of the runtime;
 * the handlers turn it into the runtime's `ServiceError` (same code, message and details) before it
 * crosses the wire.
 */
export class IngestRefusal<C extends IngestRefusalCode = IngestRefusalCode> extends Error {
  constructor(
    readonly code: C,
    message: string,
    readonly details?: ErrorDetails<C>,
  ) {
    super(message);
    this.name = 'IngestRefusal';
  }

  /** The HTTP status the gateway answers this code with (contracts' error table). */
  get httpStatus(): number {
    return httpStatusForErrorCode(this.code);
  }
}
