import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppConfig } from '@app/config';
import { AddressBuckets } from '../http/limits.js';
import { tooMany } from '../http/too-many.js';
import { APP_CONFIG } from '../infrastructure/app-config.provider.js';

/** A token bucket per client address for the public routes: a burst of OPEN_DATA_RATE_LIMIT, refilled over a minute. */
@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly buckets: AddressBuckets;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.buckets = new AddressBuckets(config.openDataRateLimit, config.trackedAddresses);
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const wait = this.buckets.take(request.ip ?? request.socket.remoteAddress ?? 'unknown');
    if (wait > 0)
      throw tooMany(context.switchToHttp().getResponse<FastifyReply>(), wait, `Too many requests; retry in ${wait} s`);
    return true;
  }
}
