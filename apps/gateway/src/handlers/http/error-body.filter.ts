import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Inject } from '@nestjs/common';
import { InvalidPayloadError } from '@outdial/contracts';
import { Logger, SERVICE_LOGGER, ServiceError } from '@outdial/service-runtime';
import type { Response } from 'express';

const CODE_BY_STATUS: Record<number, string> = {
  400: 'validation_failed',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'unprocessable',
  429: 'rate_limited',
  503: 'upstream_unavailable',
};

/** Every error leaves the gateway as `{"error": {code, message, details}}` with its HTTP status. */
@Catch()
export class ErrorBodyFilter implements ExceptionFilter {
  constructor(@Inject(SERVICE_LOGGER) private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    let status = 500;
    let body: { code: string; message: string; details?: unknown };
    if (exception instanceof ServiceError) {
      status = exception.httpStatus;
      body = { code: exception.code, message: exception.message, details: exception.details };
    } else if (exception instanceof InvalidPayloadError) {
      status = 400;
      body = { code: 'validation_failed', message: 'the request has invalid fields', details: exception.fieldErrors };
    } else if (exception instanceof HttpException) {
      status = exception.getStatus();
      const r = exception.getResponse();
      const message = typeof r === 'string' ? r : ((r as { message?: string }).message ?? exception.message);
      body = { code: CODE_BY_STATUS[status] ?? 'error', message: String(message) };
    } else {
      this.logger.error({ err: exception }, 'unhandled error');
      body = { code: 'internal', message: 'internal error' };
    }
    if (response.headersSent) {
      response.destroy();
      return;
    }
    response.status(status).json({ error: body });
  }
}
