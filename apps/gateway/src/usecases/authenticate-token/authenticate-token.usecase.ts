import { Injectable } from '@nestjs/common';
import { ServiceError } from '@outdial/service-runtime';

import { TokenCache } from '../../adapters/token-cache';
import { AuthContext } from '../../domain/auth-context';
import { hashToken } from '../../domain/token-hash';
import { TokensRepository } from '../../persistence/tokens.repository';

/** The headers of a request (HTTP or a WebSocket upgrade), lower-case names. */
export interface AuthenticateTokenCommand {
  headers: Record<string, string | string[] | undefined>;
}

/**
 * Resolves the token of a request's headers (`Authorization: Bearer <token>`, else
 * `x-api-key: <token>`) to its org and role (SPEC §9): active tokens only, looked up by SHA-256,
 * cached for GATEWAY_AUTH_CACHE_MS. `x-workspace-id`, when sent, must name that org.
 * Errors: 401 `unauthorized` (missing, invalid or revoked token), 403 `forbidden` (x-workspace-id).
 */
@Injectable()
export class AuthenticateTokenUseCase {
  constructor(
    private readonly tokens: TokensRepository,
    private readonly cache: TokenCache,
  ) {}

  async execute(command: AuthenticateTokenCommand): Promise<AuthContext> {
    const { headers } = command;
    const token = bearer(headerValue(headers.authorization)) ?? headerValue(headers['x-api-key']);
    if (!token)
      throw new ServiceError('unauthorized', 'missing token: send Authorization: Bearer <token> or x-api-key');
    const hash = hashToken(token);
    let auth = this.cache.get(hash, Date.now());
    if (!auth) {
      // A revocation applied while the database answers must not be undone by storing this answer.
      const generation = this.cache.generation;
      auth = await this.tokens.findActiveByHash(hash);
      if (!auth) throw new ServiceError('unauthorized', 'invalid or revoked token');
      this.cache.set(hash, auth, Date.now(), generation);
    }
    const workspace = headerValue(headers['x-workspace-id']);
    if (workspace && workspace !== auth.org_id)
      throw new ServiceError('forbidden', `x-workspace-id ${workspace} is not the organization of this token`);
    return auth;
  }
}

function bearer(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

function headerValue(value: string | string[] | undefined): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  return v && v.trim() !== '' ? v.trim() : undefined;
}
