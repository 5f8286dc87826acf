import { Inject, Injectable } from '@nestjs/common';
import { Logger, SERVICE_CONFIG, SERVICE_LOGGER } from '@outdial/service-runtime';

import { RateLimitPolicy } from '../../domain/token-bucket';
import { GatewayEnv } from '../../gateway-env';
import { RateLimitBucketsRepository } from '../../persistence/rate-limit-buckets.repository';

/** What the rate limit says of one request: allowed with whole tokens left, or refused with a wait (ms). */
export type RateLimitVerdict = { allowed: true; remaining: number } | { allowed: false; retryAfterMs: number };

/** How often (ms) one gateway deletes the buckets that are full again. */
const PRUNE_EVERY_MS = 60_000;

/**
 * Spends one request of an API token from its bucket (GATEWAY_RATE_LIMIT_PER_SECOND refill,
 * GATEWAY_RATE_LIMIT_BURST capacity) in PostgreSQL, shared by every gateway replica: N gateways
 * together let exactly as many requests through as one would (issue 15). One statement per request;
 * at most once a minute per process, idle buckets are deleted in the background. `policy` is
 * undefined when the limit is off (rate 0). If the database cannot be asked, the request is let
 * through (counted as `remaining` = burst): the limit protects the platform, it must not take the
 * API down with the database; the request itself then fails or succeeds on its own.
 */
@Injectable()
export class TakeRateLimitTokenUseCase {
  readonly policy?: RateLimitPolicy;
  private lastPruneAt = Date.now();
  private failing = false;

  constructor(
    private readonly buckets: RateLimitBucketsRepository,
    @Inject(SERVICE_CONFIG) config: GatewayEnv,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {
    if (config.GATEWAY_RATE_LIMIT_PER_SECOND > 0)
      this.policy = new RateLimitPolicy(
        config.GATEWAY_RATE_LIMIT_PER_SECOND,
        Math.max(1, config.GATEWAY_RATE_LIMIT_BURST),
      );
  }

  async execute(tokenId: string): Promise<RateLimitVerdict> {
    const policy = this.policy;
    if (!policy) return { allowed: true, remaining: Number.POSITIVE_INFINITY };
    this.maybePrune(policy);
    let taken: { allowed: boolean; tokens: number };
    try {
      taken = await this.buckets.take(tokenId, policy.ratePerSecond, policy.burst);
    } catch (error) {
      // Once per streak at warn (an operator should look at the database), the repeats at debug.
      if (!this.failing)
        this.logger.warn({ err: error }, 'rate limit: the shared buckets cannot be read; letting requests through');
      else this.logger.debug({ err: error }, 'rate limit: the shared buckets still cannot be read');
      this.failing = true;
      return { allowed: true, remaining: policy.burst };
    }
    if (this.failing) this.logger.info('rate limit: the shared buckets can be read again');
    this.failing = false;
    return policy.verdict(taken.allowed, taken.tokens);
  }

  private maybePrune(policy: RateLimitPolicy): void {
    const now = Date.now();
    if (now - this.lastPruneAt < PRUNE_EVERY_MS) return;
    this.lastPruneAt = now;
    // A bucket idle for its full-refill time (and a margin) is full: dropping it changes nothing.
    this.buckets.pruneIdle(policy.fullAfterMs + 60_000).catch((error: unknown) => {
      this.logger.debug({ err: error }, 'rate limit: pruning idle buckets failed; next try in a minute');
    });
  }
}
