import { Injectable } from '@nestjs/common';
import { ServiceError } from '@outdial/service-runtime';

import { TokenCache } from '../../adapters/token-cache';
import { AuthContext } from '../../domain/auth-context';
import { hashToken } from '../../domain/token-hash';
import { TokensRepository } from '../../persistence/tokens.repository';

/** The ways a request may carry its token (SPEC §9), as 401 details list them. */
const ACCEPTED_HEADERS = ['Authorization: Bearer <token>', 'x-api-key: <token>'];

/** The headers of a request (HTTP or a WebSocket upgrade), lower-case names. */
export interface AuthenticateTokenCommand {
  headers: Record<string, string | string[] | undefined>;
}

/**
 * Resolves the token of a request's headers (`Authorization: Bearer <token>`, else
 * `x-api-key: <token>`) to its org and role (SPEC §9): active tokens only, looked up by SHA-256,
 * cached for GATEWAY_AUTH_CACHE_MS. `x-workspace-id`, when sent, must name that org.
 * Errors: 401 `unauthorized` with `details.reason`: `missing_token` (neither header; details list
 * the accepted headers), `malformed_authorization` (an Authorization header that is not
 * `Bearer <token>`), `invalid_or_revoked_token` (details name the header the token came from; the
 * token itself is never echoed); 403 `forbidden` (x-workspace-id).
 */
@Injectable()
export class AuthenticateTokenUseCase {
  constructor(
    private readonly tokens: TokensRepository,
    private readonly cache: TokenCache,
  ) {}

  async execute(command: AuthenticateTokenCommand): Promise<AuthContext> {
    const { headers } = command;
    const authorization = headerValue(headers.authorization);
    const fromBearer = bearer(authorization);
    const apiKey = headerValue(headers['x-api-key']);
    const token = fromBearer ?? apiKey;
    if (!token) {
      if (authorization)
        throw new ServiceError('unauthorized', 'the Authorization header must be "Bearer <token>"', {
          reason: 'malformed_authorization',
          accepted_headers: ACCEPTED_HEADERS,
        });
      throw new ServiceError('unauthorized', 'missing token: send Authorization: Bearer <token> or x-api-key', {
        reason: 'missing_token',
        accepted_headers: ACCEPTED_HEADERS,
      });
    }
    const hash = hashToken(token);
    let auth = this.cache.get(hash, Date.now());
    if (!auth) {
      // A revocation applied while the database answers must not be undone by storing this answer.
      const generation = this.cache.generation;
      auth = await this.tokens.findActiveByHash(hash);
      if (!auth)
        throw new ServiceError('unauthorized', 'invalid or revoked token', {
          reason: 'invalid_or_revoked_token',
          header: fromBearer ? 'authorization' : 'x-api-key',
        });
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
