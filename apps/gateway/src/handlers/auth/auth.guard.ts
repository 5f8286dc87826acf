import { applyDecorators, CanActivate, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiExtension } from '@nestjs/swagger';
import { MemberRole } from '@outdial/contracts';
import { ServiceError } from '@outdial/service-runtime';

import { AuthenticateTokenUseCase } from '../../usecases/authenticate-token/authenticate-token.usecase';
import { AuthContext } from './auth-context';

const ROLES_KEY = 'outdial:roles';
const PUBLIC_KEY = 'outdial:public';
/** The service runtime's health and metrics endpoints (scraped without a token). */
export const OPS_PATHS = new Set(['/health/live', '/health/ready', '/metrics']);

/** Roles allowed to call a route (default: any member of the org). */
export const Roles = (...roles: MemberRole[]) =>
  applyDecorators(SetMetadata(ROLES_KEY, roles), ApiExtension('x-outdial-roles', roles));
/** A route that needs no token (e.g. signed provider callbacks); the OpenAPI document shows it without security. */
export const Public = () => applyDecorators(SetMetadata(PUBLIC_KEY, true), ApiExtension('x-outdial-public', true));

/** `Authorization: Bearer <token>` or `x-api-key: <token>`; the token decides the org and role. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly authenticateToken: AuthenticateTokenUseCase,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const request = context.switchToHttp().getRequest();
    // Every route needs a token (the compatibility routes too) except @Public ones and the
    // runtime's operational endpoints, which live outside this module.
    if (OPS_PATHS.has(request.path)) return true;
    let auth: AuthContext;
    try {
      auth = await this.authenticateToken.execute({ headers: request.headers });
    } catch (error) {
      if ((error as ServiceError).code === 'unauthorized')
        context.switchToHttp().getResponse().setHeader('WWW-Authenticate', 'Bearer realm="outdial"');
      throw error;
    }
    const roles = this.reflector.getAllAndOverride<MemberRole[] | undefined>(ROLES_KEY, targets);
    if (roles && !roles.includes(auth.role)) {
      throw new ServiceError(
        'forbidden',
        `this action needs the role ${roles.join(' or ')}; this token's role is ${auth.role}${auth.role === 'member' ? ' (member tokens can only read)' : ''}`,
        {
          required_roles: roles,
          role: auth.role,
        },
      );
    }
    request.auth = auth;
    return true;
  }
}
