import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { ServiceError } from '@outdial/service-runtime';
import type { Response } from 'express';
import { from, Observable, switchMap } from 'rxjs';

import { TakeRateLimitTokenUseCase } from '../../usecases/take-rate-limit-token/take-rate-limit-token.usecase';
import type { AuthContext } from '../auth/auth-context';

/**
 * Rate limit per API token (runs after the auth guard, so it knows the token), shared by every
 * gateway replica (the buckets are in PostgreSQL): 429 `rate_limited` with `Retry-After` (whole
 * seconds, at least 1) when the token's bucket is empty. Every answer carries `X-RateLimit-Limit`
 * and `X-RateLimit-Remaining`. Requests without a token (health, metrics, signed provider
 * callbacks) are not limited here.
 */
@Injectable()
export class RateLimitInterceptor implements NestInterceptor {
  constructor(private readonly takeToken: TakeRateLimitTokenUseCase) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const policy = this.takeToken.policy;
    if (!policy || context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<{ auth?: AuthContext }>();
    if (!request.auth) return next.handle();
    const response = context.switchToHttp().getResponse<Response>();
    return from(this.takeToken.execute(request.auth.token_id)).pipe(
      switchMap((verdict) => {
        response.setHeader('X-RateLimit-Limit', String(policy.ratePerSecond));
        if (!verdict.allowed) {
          const seconds = Math.max(1, Math.ceil(verdict.retryAfterMs / 1000));
          response.setHeader('Retry-After', String(seconds));
          response.setHeader('X-RateLimit-Remaining', '0');
          throw new ServiceError(
            'rate_limited',
            `too many requests for this token: at most ${policy.ratePerSecond}/s (bursts of ${policy.burst}); retry after ${seconds} s`,
            { retry_after_seconds: seconds, limit_per_second: policy.ratePerSecond, burst: policy.burst },
          );
        }
        response.setHeader('X-RateLimit-Remaining', String(verdict.remaining));
        return next.handle();
      }),
    );
  }
}
