import { parsePayload } from '@outdial/contracts';
import { NatsBus } from './nats-bus';
import { ServiceError } from './errors';

export interface RpcReply<T> {
  ok: boolean;
  data?: T;
  error?: { code: string; message: string; details?: unknown };
}

/** Request/reply over core NATS to the queue group of the owning service. */
export class RpcClient {
  constructor(private readonly bus: NatsBus) {}

  async request<T>(subject: string, payload: object, timeoutMs = 10_000): Promise<T> {
    // Fail here, with the field named, rather than in the other service.
    parsePayload(subject, payload);
    let reply;
    try {
      reply = await this.bus.nc.request(this.bus.subject(subject), JSON.stringify(payload), { timeout: timeoutMs });
    } catch (error) {
      const message = (error as Error).message ?? String(error);
      if (/no responders/i.test(message) || (error as { code?: string }).code === '503') {
        throw new ServiceError('upstream_unavailable', `no service answers ${subject}`);
      }
      if (/timeout/i.test(message)) throw new ServiceError('upstream_timeout', `${subject} did not answer within ${timeoutMs} ms`);
      throw new ServiceError('upstream_unavailable', `${subject}: ${message}`);
    }
    const body = reply.json<RpcReply<T>>();
    if (!body.ok) {
      throw new ServiceError(body.error?.code ?? 'internal', body.error?.message ?? 'request failed', body.error?.details);
    }
    return body.data as T;
  }
}
