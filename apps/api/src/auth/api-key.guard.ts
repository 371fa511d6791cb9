import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Inject,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppConfig } from '@app/config';
import { AddressBuckets } from '../http/limits.js';
import { tooMany } from '../http/too-many.js';
import { APP_CONFIG } from '../infrastructure/app-config.provider.js';
import { ApiKeys, type Principal, type Role } from './api-keys.js';
import { PUBLIC_KEY, ROLES_KEY } from './roles.decorator.js';

export type AuthenticatedRequest = FastifyRequest & { principal?: Principal };

/**
 * Bearer API keys; deny by default: a route must name its roles (or be explicitly public). An
 * address that presents too many wrong keys in a minute gets 429 for every key until its bucket
 * refills: its guesses are not even checked meanwhile.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly failures: AddressBuckets;

  constructor(
    private readonly reflector: Reflector,
    @Inject(ApiKeys) private readonly keys: ApiKeys,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.failures = new AddressBuckets(config.authFailuresPerMinute, config.trackedAddresses);
  }

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const address = request.ip ?? request.socket.remoteAddress ?? 'unknown';
    const wait = this.failures.wait(address);
    if (wait > 0)
      throw tooMany(
        context.switchToHttp().getResponse<FastifyReply>(),
        wait,
        `Too many failed authentications from this address; retry in ${wait} s`,
      );
    const authorization = request.headers.authorization;
    if (authorization === undefined)
      throw new UnauthorizedException({
        code: 'UNAUTHENTICATED',
        message: 'Send an API key as "Authorization: Bearer <key>"',
      });
    const match = /^Bearer ([\x21-\x7e]{1,256})$/.exec(authorization);
    const principal = match?.[1] ? this.keys.authenticate(match[1]) : null;
    if (!principal) {
      this.failures.take(address);
      throw new UnauthorizedException({
        code: 'UNAUTHENTICATED',
        message: match ? 'Unknown API key' : 'Send an API key as "Authorization: Bearer <key>"',
      });
    }
    request.principal = principal;
    const allowed = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets) ?? [];
    if (!principal.roles.some((role) => allowed.includes(role))) {
      throw new ForbiddenException({
        code: 'FORBIDDEN',
        message:
          allowed.length === 0
            ? 'This route is not open to any API key'
            : `This route needs one of the roles: ${allowed.join(', ')}`,
      });
    }
    return true;
  }
}
