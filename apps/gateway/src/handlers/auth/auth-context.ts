import { createParamDecorator, ExecutionContext } from '@nestjs/common';

import type { AuthContext } from '../../domain/auth-context';

export type { AuthContext } from '../../domain/auth-context';

/** The request's AuthContext, set by the AuthGuard. */
export const Auth = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): AuthContext => ctx.switchToHttp().getRequest().auth,
);
