import { ErrorCode, ErrorDetails, httpStatusForErrorCode } from '@outdial/contracts';

/**
 * An error with a public code (contracts' `ErrorCode` union), carried across request/reply and
 * turned into `{"error": {code, message, details}}` with the matching HTTP status by the gateway.
 * `details` has the shape `ErrorDetails<C>` (e.g. `FieldError[]` for `validation_failed`,
 * `{ limit_bytes }` for `payload_too_large`).
 */
export class ServiceError<C extends ErrorCode = ErrorCode> extends Error {
  constructor(
    readonly code: C,
    message: string,
    readonly details?: ErrorDetails<C>,
  ) {
    super(message);
    this.name = 'ServiceError';
  }

  get httpStatus(): number {
    return httpStatusForErrorCode(this.code);
  }
}

/** The handler could not finish now (a dependency is missing or down); redeliver after a delay. */
export class TransientError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'TransientError';
  }
}

/**
 * The message refers to something this service does not know yet (a batch whose registration
 * travels on another stream). Redelivered with exponential backoff (250 ms, 500 ms, ... 30 s) so
 * it never crowds out other work on its consumer, and dead-lettered with this message as the
 * reason once it is older than `maxAgeMs` (then it can never apply: its batch was lost, or the
 * message was forged).
 */
export class NotKnownYetError extends TransientError {
  constructor(
    message: string,
    readonly maxAgeMs: number,
  ) {
    super(message);
    this.name = 'NotKnownYetError';
  }
}

/** The message can never be handled (not a payload problem): terminate and dead-letter it. */
export class PoisonMessageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PoisonMessageError';
  }
}
