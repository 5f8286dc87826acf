import { CanActivate, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { MemberRole } from '@outdial/contracts';
import { Database, ServiceError } from '@outdial/service-runtime';
import { AuthContext } from './auth-context';
import { hashToken } from './token-hash';

const ROLES_KEY = 'outdial:roles';
const PUBLIC_KEY = 'outdial:public';

/** Roles allowed to call a route (default: any member of the org). */
export const Roles = (...roles: MemberRole[]) => SetMetadata(ROLES_KEY, roles);
/** A route that needs no token (health, metrics). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/** `Authorization: Bearer <token>` or `x-api-key: <token>`; the token decides the org and role. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly db: Database,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const request = context.switchToHttp().getRequest();
    if (!request.path?.startsWith('/api/')) return true;
    const token = bearer(request.headers.authorization) ?? headerValue(request.headers['x-api-key']);
    if (!token) throw new ServiceError('unauthorized', 'missing token: send Authorization: Bearer <token> or x-api-key');
    const rows = await this.db.query<AuthContext>(
      `SELECT token_id, org_id, role FROM gateway.tokens WHERE token_hash = $1 AND revoked_at IS NULL`,
      [hashToken(token)],
    );
    if (rows.length === 0) throw new ServiceError('unauthorized', 'invalid or revoked token');
    const auth = rows[0];
    const workspace = headerValue(request.headers['x-workspace-id']);
    if (workspace && workspace !== auth.org_id) throw new ServiceError('forbidden', 'x-workspace-id does not match the token');
    const roles = this.reflector.getAllAndOverride<MemberRole[] | undefined>(ROLES_KEY, targets);
    if (roles && !roles.includes(auth.role)) {
      throw new ServiceError('forbidden', `this action needs the role ${roles.join(' or ')}; the token has ${auth.role}`);
    }
    request.auth = auth;
    return true;
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
