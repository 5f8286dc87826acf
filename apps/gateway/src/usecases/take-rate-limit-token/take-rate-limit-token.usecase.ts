import { Inject, Injectable } from '@nestjs/common';
import { Logger, SERVICE_CONFIG, SERVICE_LOGGER } from '@outdial/service-runtime';

import { RateLimitPolicy, RateLimitVerdict } from '../../domain/token-bucket';
import { GatewayEnv } from '../../gateway-env';
import { RateLimitBucketsRepository } from '../../persistence/rate-limit-buckets.repository';

export type { RateLimitVerdict } from '../../domain/token-bucket';

/** How often (ms) one gateway deletes the buckets that are full again. */
const PRUNE_EVERY_MS = 60_000;

/** At most this many requests' tokens are taken by one statement (a longer queue takes several). */
const MAX_TAKE = 1000;

/** The requests of one API token waiting for their verdict, and whether a statement is out for them. */
interface TokenQueue {
  waiting: { resolve: (verdict: RateLimitVerdict) => void }[];
  taking: boolean;
}

/**
 * Spends one request of an API token from its bucket (GATEWAY_RATE_LIMIT_PER_SECOND refill,
 * GATEWAY_RATE_LIMIT_BURST capacity) in PostgreSQL, shared by every gateway replica: N gateways
 * together let exactly as many requests through as one would (issue 15). At most one statement per
 * API token is out at a time in this process: the requests of that token that arrive meanwhile wait
 * and take their tokens together in the next one (issue 16: ten concurrent requests of one token
 * were ten upserts queued on the bucket's row lock, the p99 of every read). Granted tokens go to the
 * waiting requests in arrival order. At most once a minute per process, idle buckets are deleted in
 * the background. `policy` is undefined when the limit is off (rate 0). If the database cannot be
 * asked, the request is let through (counted as `remaining` = burst): the limit protects the
 * platform, it must not take the API down with the database; the request itself then fails or
 * succeeds on its own.
 */
@Injectable()
export class TakeRateLimitTokenUseCase {
  readonly policy?: RateLimitPolicy;
  private lastPruneAt = Date.now();
  private failing = false;
  private readonly queues = new Map<string, TokenQueue>();

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

  /** The verdict for one request of `tokenId` (never rejects: a database failure lets it through). */
  async execute(tokenId: string): Promise<RateLimitVerdict> {
    const policy = this.policy;
    if (!policy) return { allowed: true, remaining: Number.POSITIVE_INFINITY };
    this.maybePrune(policy);
    const queue = this.queues.get(tokenId) ?? { waiting: [], taking: false };
    this.queues.set(tokenId, queue);
    const verdict = new Promise<RateLimitVerdict>((resolve) => queue.waiting.push({ resolve }));
    if (!queue.taking) void this.drain(tokenId, queue, policy);
    return verdict;
  }

  /** Takes the tokens of everything waiting on `queue`, one statement at a time, until none waits. */
  private async drain(tokenId: string, queue: TokenQueue, policy: RateLimitPolicy): Promise<void> {
    queue.taking = true;
    while (queue.waiting.length > 0) {
      const group = queue.waiting.splice(0, MAX_TAKE);
      let verdicts: RateLimitVerdict[];
      try {
        const taken = await this.buckets.takeMany(tokenId, policy.ratePerSecond, policy.burst, group.length);
        if (this.failing) this.logger.info('rate limit: the shared buckets can be read again');
        this.failing = false;
        verdicts = policy.share(group.length, taken.granted, taken.tokens);
      } catch (error) {
        // Once per streak at warn (an operator should look at the database), the repeats at debug.
        if (!this.failing)
          this.logger.warn({ err: error }, 'rate limit: the shared buckets cannot be read; letting requests through');
        else this.logger.debug({ err: error }, 'rate limit: the shared buckets still cannot be read');
        this.failing = true;
        verdicts = group.map(() => ({ allowed: true, remaining: policy.burst }));
      }
      group.forEach((waiter, i) => waiter.resolve(verdicts[i]));
    }
    // Nothing waits and no await since the check: a request arriving from now on starts a new drain.
    queue.taking = false;
    this.queues.delete(tokenId);
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
