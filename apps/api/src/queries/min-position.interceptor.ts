import {
  BadRequestException,
  Injectable,
  ServiceUnavailableException,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { from, switchMap, type Observable } from 'rxjs';
import { parsePosition } from '@app/event-store';
import { ReadSide } from './read-side.js';
import { READS_PROJECTIONS } from './reads-projections.decorator.js';

/**
 * Read-your-writes: a query with `X-Min-Position` (a command's `X-Event-Position`) waits until
 * the projections it reads (`@ReadsProjections`; every one if the route declares none) have
 * applied that event, within a bound; past it, 503 with Retry-After.
 */
@Injectable()
export class MinPositionInterceptor implements NestInterceptor {
  constructor(
    private readonly readSide: ReadSide,
    private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const header = request.headers['x-min-position'];
    if (header === undefined) return next.handle();
    const position = typeof header === 'string' ? parsePosition(header) : null;
    if (!position)
      throw new BadRequestException({
        code: 'INVALID_HEADER',
        message: 'X-Min-Position must be a position this API gave in X-Event-Position',
      });
    const response = context.switchToHttp().getResponse<FastifyReply>();
    const reads = this.reflector.get<readonly string[] | undefined>(READS_PROJECTIONS, context.getHandler());
    return from(this.readSide.waitFor(position, reads)).pipe(
      switchMap((reached) => {
        if (!reached) {
          response.header('Retry-After', '1');
          throw new ServiceUnavailableException({
            code: 'READ_MODELS_BEHIND',
            message: `The read models have not reached position ${header} yet; retry shortly`,
          });
        }
        return next.handle();
      }),
    );
  }
}
