import {
  BatchReport,
  ErrorCode,
  ErrorDetails,
  isErrorCode,
  PdfReport,
  ReportQuery,
  RpcReply as RpcReplyOf,
  RpcRequest,
  RpcSubject,
  Subjects,
} from '@outdial/contracts';
import type { Logger } from 'pino';

import { ServiceError } from './errors';
import { validateOutgoing } from './event-publisher';
import { NatsBus } from './nats-bus';

/** The JSON envelope of every RPC answer on the wire. */
export interface RpcEnvelope<T> {
  ok: boolean;
  data?: T;
  error?: { code: string; message: string; details?: unknown };
}

/**
 * Turns an RPC error envelope into a ServiceError. A code outside the `ErrorCode` union (a newer
 * or broken peer) becomes `internal`, with a warn log naming it, never silently.
 */
export function serviceErrorFromReply(
  subject: string,
  error: RpcEnvelope<unknown>['error'],
  logger?: Pick<Logger, 'warn'>,
): ServiceError {
  const code = error?.code ?? 'internal';
  const message = error?.message ?? 'request failed';
  if (!isErrorCode(code)) {
    logger?.warn({ subject, code }, `unknown error code "${code}" in the reply of ${subject}; answered as internal`);
    return new ServiceError('internal', message, { original_code: code });
  }
  return new ServiceError<ErrorCode>(code, message, error?.details as ErrorDetails | undefined);
}

/** Request/reply over core NATS to the queue group of the owning service. */
export class RpcClient {
  constructor(
    private readonly bus: NatsBus,
    private readonly logger?: Pick<Logger, 'warn'>,
    /** Validate requests before sending (a validation failure names the field here, not in the other service). */
    private readonly validate: boolean = true,
  ) {}

  /**
   * Sends `payload` to `subject` and resolves with the subject's reply type (`RpcReply<S>` from
   * the contracts' subject map). Throws ServiceError: `upstream_unavailable` (no responder),
   * `upstream_timeout` (after `timeoutMs`, default 10 s), or the remote service's error;
   * InvalidPayloadError for a request that does not match the subject's class (outside production).
   */
  request(
    subject: typeof Subjects.reportingReport,
    payload: ReportQuery & { format: 'pdf' },
    timeoutMs?: number,
  ): Promise<PdfReport>;
  request(
    subject: typeof Subjects.reportingReport,
    payload: ReportQuery & { format: 'json' },
    timeoutMs?: number,
  ): Promise<BatchReport>;
  request<S extends RpcSubject>(subject: S, payload: RpcRequest<S>, timeoutMs?: number): Promise<RpcReplyOf<S>>;
  async request(subject: RpcSubject, payload: object, timeoutMs = 10_000): Promise<unknown> {
    // Fail here, with the field named, rather than in the other service.
    validateOutgoing(subject, payload, this.validate);
    let body: RpcEnvelope<unknown>;
    try {
      body = await this.bus.requestJson<RpcEnvelope<unknown>>(subject, JSON.stringify(payload), timeoutMs);
    } catch (error) {
      const message = (error as Error).message ?? String(error);
      if (/no responders/i.test(message) || (error as { code?: string }).code === '503') {
        throw new ServiceError('upstream_unavailable', `no service answers ${subject}`);
      }
      if (/timeout/i.test(message))
        throw new ServiceError('upstream_timeout', `${subject} did not answer within ${timeoutMs} ms`);
      throw new ServiceError('upstream_unavailable', `${subject}: ${message}`);
    }
    if (!body.ok) throw serviceErrorFromReply(subject, body.error, this.logger);
    return body.data;
  }
}
