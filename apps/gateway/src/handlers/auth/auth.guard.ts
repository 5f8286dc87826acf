import { applyDecorators, CanActivate, ExecutionContext, Inject, Injectable, SetMetadata } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import { Reflector } from '@nestjs/core';
import { MemberRole } from '@outdial/contracts';
import { Database, SERVICE_CONFIG, ServiceError } from '@outdial/service-runtime';
import { GatewayEnv } from '../../gateway-env';
import { AuthContext } from './auth-context';
import { hashToken } from '../../domain/token-hash';
import { TOKEN_CACHE } from '../../adapters/token-cache';

const ROLES_KEY = 'outdial:roles';
const PUBLIC_KEY = 'outdial:public';
/** The service runtime's health and metrics endpoints (scraped without a token). */
export const OPS_PATHS = new Set(['/health/live', '/health/ready', '/metrics']);

/** Roles allowed to call a route (default: any member of the org). */
export const Roles = (...roles: MemberRole[]) => applyDecorators(SetMetadata(ROLES_KEY, roles), ApiExtension('x-outdial-roles', roles));
/** A route that needs no token (e.g. signed provider callbacks); the OpenAPI document shows it without security. */
export const Public = () => applyDecorators(SetMetadata(PUBLIC_KEY, true), ApiExtension('x-outdial-public', true));

/** `Authorization: Bearer <token>` or `x-api-key: <token>`; the token decides the org and role. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly db: Database,
    private readonly reflector: Reflector,
    @Inject(SERVICE_CONFIG) config: GatewayEnv,
  ) {
    TOKEN_CACHE.configure(config.GATEWAY_AUTH_CACHE_MS);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const request = context.switchToHttp().getRequest();
    // Every route needs a token (the compatibility routes too) except @Public ones and the
    // runtime's operational endpoints, which live outside this module.
    if (OPS_PATHS.has(request.path)) return true;
    let auth: AuthContext;
    try {
      auth = await authenticate(this.db, request.headers);
    } catch (error) {
      if ((error as ServiceError).code === 'unauthorized') context.switchToHttp().getResponse().setHeader('WWW-Authenticate', 'Bearer realm="outdial"');
      throw error;
    }
    const roles = this.reflector.getAllAndOverride<MemberRole[] | undefined>(ROLES_KEY, targets);
    if (roles && !roles.includes(auth.role)) {
      throw new ServiceError('forbidden', `this action needs the role ${roles.join(' or ')}; this token's role is ${auth.role}${auth.role === 'member' ? ' (member tokens can only read)' : ''}`, {
        required_roles: roles,
        role: auth.role,
      });
    }
    request.auth = auth;
    return true;
  }
}

/**
 * Resolves the token of a request's headers (`Authorization: Bearer`, else `x-api-key`) to its org
 * and role; `x-workspace-id`, when sent, must name that org. Also for non-HTTP entry points (WS).
 */
export async function authenticate(db: Database, headers: Record<string, string | string[] | undefined>): Promise<AuthContext> {
  const token = bearer(headerValue(headers.authorization)) ?? headerValue(headers['x-api-key']);
  if (!token) throw new ServiceError('unauthorized', 'missing token: send Authorization: Bearer <token> or x-api-key');
  const hash = hashToken(token);
  let auth = TOKEN_CACHE.get(hash, Date.now());
  if (!auth) {
    const rows = await db.query<AuthContext>(`SELECT token_id, org_id, role FROM gateway.tokens WHERE token_hash = $1 AND revoked_at IS NULL`, [hash]);
    if (rows.length === 0) throw new ServiceError('unauthorized', 'invalid or revoked token');
    auth = rows[0];
    TOKEN_CACHE.set(hash, auth, Date.now());
  }
  const workspace = headerValue(headers['x-workspace-id']);
  if (workspace && workspace !== auth.org_id) throw new ServiceError('forbidden', `x-workspace-id ${workspace} is not the organization of this token`);
  return auth;
}

function bearer(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

function headerValue(value: string | string[] | undefined): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  return v && v.trim() !== '' ? v.trim() : undefined;
}
