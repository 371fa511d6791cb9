import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { map, type Observable } from 'rxjs';
import { formatPosition } from '@app/event-store';
import { Written } from './commands.js';

/**
 * The one place the protocol headers of a write are set. ETag: the revision of the stream the
 * command is about (send it back as If-Match); X-Event-Position: where its last event sits in the
 * global log (send it back as X-Min-Position to read your write). The body repeats both.
 */
@Injectable()
export class WrittenInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const response = context.switchToHttp().getResponse<FastifyReply>();
    return next.handle().pipe(
      map((value: unknown) => {
        if (!(value instanceof Written)) return value;
        const position = formatPosition(value.outcome.position);
        response.header('ETag', `"${value.outcome.revision}"`);
        response.header('X-Event-Position', position);
        return { ...value.body, revision: value.outcome.revision, position };
      }),
    );
  }
}
