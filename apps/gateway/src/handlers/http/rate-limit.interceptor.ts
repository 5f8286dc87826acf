import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import { SERVICE_CONFIG, ServiceError } from '@outdial/service-runtime';
import type { Response } from 'express';
import { Observable } from 'rxjs';

import { TokenBuckets } from '../../domain/token-bucket';
import { GatewayEnv } from '../../gateway-env';
import type { AuthContext } from '../auth/auth-context';

/**
 * Rate limit per API token (runs after the auth guard, so it knows the token): 429 with
 * `Retry-After` (whole seconds, at least 1) when the token's bucket is empty. Every answer
 * carries `X-RateLimit-Limit` and `X-RateLimit-Remaining`. Requests without a token (health,
 * metrics, signed provider callbacks) are not limited here.
 */
@Injectable()
export class RateLimitInterceptor implements NestInterceptor {
  private readonly buckets?: TokenBuckets;

  constructor(@Inject(SERVICE_CONFIG) config: GatewayEnv) {
    if (config.GATEWAY_RATE_LIMIT_PER_SECOND > 0) {
      this.buckets = new TokenBuckets(
        config.GATEWAY_RATE_LIMIT_PER_SECOND,
        Math.max(1, config.GATEWAY_RATE_LIMIT_BURST),
      );
    }
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (this.buckets && context.getType() === 'http') {
      const request = context.switchToHttp().getRequest<{ auth?: AuthContext }>();
      if (request.auth) {
        const response = context.switchToHttp().getResponse<Response>();
        const verdict = this.buckets.take(request.auth.token_id, Date.now());
        response.setHeader('X-RateLimit-Limit', String(this.buckets.ratePerSecond));
        if (!verdict.allowed) {
          const seconds = Math.max(1, Math.ceil(verdict.retryAfterMs / 1000));
          response.setHeader('Retry-After', String(seconds));
          response.setHeader('X-RateLimit-Remaining', '0');
          throw new ServiceError(
            'rate_limited',
            `too many requests for this token: at most ${this.buckets.ratePerSecond}/s (bursts of ${this.buckets.burst}); retry after ${seconds} s`,
            {
              retry_after_seconds: seconds,
              limit_per_second: this.buckets.ratePerSecond,
              burst: this.buckets.burst,
            },
          );
        }
        response.setHeader('X-RateLimit-Remaining', String(verdict.remaining));
      }
    }
    return next.handle();
  }
}
