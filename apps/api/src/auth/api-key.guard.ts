import { CanActivate, ExecutionContext, ForbiddenException, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { ApiKeys, type Principal, type Role } from './api-keys.js';
import { PUBLIC_KEY, ROLES_KEY } from './roles.decorator.js';

export type AuthenticatedRequest = Request & { principal?: Principal };

/** Bearer API keys; deny by default: a route must name its roles (or be explicitly public). */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(ApiKeys) private readonly keys: ApiKeys,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const match = /^Bearer ([\x21-\x7e]{1,256})$/.exec(request.headers.authorization ?? '');
    if (!match?.[1]) throw new UnauthorizedException({ code: 'UNAUTHENTICATED', message: 'Send an API key as "Authorization: Bearer <key>"' });
    const principal = this.keys.authenticate(match[1]);
    if (!principal) throw new UnauthorizedException({ code: 'UNAUTHENTICATED', message: 'Unknown API key' });
    request.principal = principal;
    const allowed = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets) ?? [];
    if (!principal.roles.some((role) => allowed.includes(role))) {
      throw new ForbiddenException({
        code: 'FORBIDDEN',
        message: allowed.length === 0 ? 'This route is not open to any API key' : `This route needs one of the roles: ${allowed.join(', ')}`,
      });
    }
    return true;
  }
}
