import { CanActivate, ExecutionContext, HttpException, HttpStatus, Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { AppConfig } from '@app/config';
import { APP_CONFIG } from '../infrastructure/app-config.provider.js';

/** A token bucket per client address: `capacity` requests, refilled at `perMinute` a minute. */
@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<Request>();
    const capacity = this.config.openDataRateLimit;
    const now = Date.now();
    const key = request.ip ?? request.socket.remoteAddress ?? 'unknown';
    const bucket = this.buckets.get(key) ?? { tokens: capacity, at: now };
    bucket.tokens = Math.min(capacity, bucket.tokens + ((now - bucket.at) / 60_000) * capacity);
    bucket.at = now;
    if (this.buckets.size > 10_000) this.buckets.clear(); // bounded memory under address churn
    this.buckets.set(key, bucket);
    if (bucket.tokens < 1) {
      const retryAfter = Math.ceil(((1 - bucket.tokens) * 60) / capacity);
      context.switchToHttp().getResponse<Response>().setHeader('Retry-After', String(retryAfter));
      throw new HttpException({ code: 'RATE_LIMITED', message: `Too many requests; retry in ${retryAfter} s` }, HttpStatus.TOO_MANY_REQUESTS);
    }
    bucket.tokens -= 1;
    return true;
  }
}
