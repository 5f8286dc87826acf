import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { Logger, NatsBus, SERVICE_LOGGER } from '@outdial/service-runtime';

import { TokenCache } from './token-cache';

/**
 * Core NATS subject (logical; the runtime adds the deployment prefix) on which a gateway announces
 * a revoked token to every gateway replica. Gateway to gateway only, never stored (no stream takes
 * `v1.gateway.>`). Payload: `{ token_id: string }`.
 */
export const TOKEN_REVOKED_SUBJECT = 'v1.gateway.token_revoked';

/**
 * Makes a revocation effective in every gateway's token cache. `revoked(tokenId)` is called after
 * the revocation committed and resolves when the others can act on it.
 */
export abstract class TokenRevocations {
  abstract revoked(tokenId: string): Promise<void>;
}

/**
 * For a process with no other gateway to tell and no cache worth keeping (the admin CLI): a
 * revocation reaches running gateways within their GATEWAY_AUTH_CACHE_MS.
 */
export class LocalTokenRevocations extends TokenRevocations {
  constructor(private readonly cache: TokenCache) {
    super();
  }

  async revoked(tokenId: string): Promise<void> {
    this.cache.forgetToken(tokenId);
  }
}

/**
 * The gateway's revocations (issue 15): the revoking replica drops the token from its own cache,
 * then publishes `{token_id}` on TOKEN_REVOKED_SUBJECT and flushes (the NATS server has it before
 * the API answers); every replica, this one included, subscribes at start and drops the token from
 * its cache on receipt. A lost broadcast (NATS down at that moment) leaves the cache TTL
 * (GATEWAY_AUTH_CACHE_MS) as the bound; a publish that fails is logged at warn, the revocation itself
 * stands (it is committed).
 */
@Injectable()
export class BroadcastTokenRevocations extends TokenRevocations implements OnModuleInit {
  constructor(
    private readonly bus: NatsBus,
    private readonly cache: TokenCache,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {
    super();
  }

  async onModuleInit(): Promise<void> {
    await this.bus.subscribeCore<{ token_id?: unknown }>(TOKEN_REVOKED_SUBJECT, (message) => {
      if (typeof message.token_id === 'string') this.cache.forgetToken(message.token_id);
    });
  }

  async revoked(tokenId: string): Promise<void> {
    this.cache.forgetToken(tokenId);
    try {
      this.bus.publishCore(TOKEN_REVOKED_SUBJECT, { token_id: tokenId });
      await this.bus.ping();
    } catch (error) {
      this.logger.warn(
        { err: error, token_id: tokenId },
        'token revocation broadcast failed: other gateways refuse the token only after GATEWAY_AUTH_CACHE_MS',
      );
    }
  }
}
