import { httpStatusForErrorCode } from '@outdial/contracts';

/**
 * An error with a public code (contracts' error codes), carried across request/reply and turned
 * into `{"error": {code, message, details}}` with the matching HTTP status by the gateway.
 */
export class ServiceError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: unknown,
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

/** The message can never be handled (not a payload problem): terminate and dead-letter it. */
export class PoisonMessageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PoisonMessageError';
  }
}
