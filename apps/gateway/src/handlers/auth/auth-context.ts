import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { MemberRole } from '@outdial/contracts';

export interface AuthContext {
  org_id: string;
  role: MemberRole;
  token_id: string;
}

export const Auth = createParamDecorator((_data: unknown, ctx: ExecutionContext): AuthContext => ctx.switchToHttp().getRequest().auth);
