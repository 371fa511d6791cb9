import { createHash } from 'node:crypto';
import {
  BadRequestException,
  ConflictException,
  Inject,
  Injectable,
  UnprocessableEntityException,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { canonicalJson } from '@app/event-store';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants.js';
import type { FastifyReply } from 'fastify';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { IdempotencyKeyInUseError, IdempotencyKeyReusedError, IdempotencyKeys } from '@app/idempotency';
import type { AuthenticatedRequest } from '../auth/api-key.guard.js';
import { HEADER_TOKEN } from '../http/field-rules.js';
import { ProblemFilter } from '../http/problem.filter.js';

const REPLAYED_HEADERS = ['etag', 'x-event-position', 'x-correlation-id'];

const problems = new ProblemFilter();

/**
 * Whether a command that failed with this error may have been written all the same: whatever the
 * API answers with a 5xx (the event store unavailable, an append whose outcome is unknown, a fault
 * of the product). Its Idempotency-Key stays claimed, so a retry must be the same request. A 4xx (a
 * refusal, a conflict, a bad request) wrote nothing, and frees the key. One mapping decides both,
 * the problem filter's, so the two cannot drift apart.
 */
export function isOutcomeUnknown(error: unknown): boolean {
  return problems.toProblem(error).statusCode >= 500;
}

/**
 * `Idempotency-Key` on a command: a retry gets the first response back and writes nothing more,
 * whichever API process it reaches. A retry that arrives while the first is still running waits for
 * it; past the wait, 409 IDEMPOTENCY_KEY_IN_USE with Retry-After. After a 5xx the key is kept for
 * that request alone (see isOutcomeUnknown): its retry runs again, another body is 422
 * IDEMPOTENCY_KEY_REUSED.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(@Inject(IdempotencyKeys) private readonly keys: IdempotencyKeys) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const response = context.switchToHttp().getResponse<FastifyReply>();
    const key = request.headers['idempotency-key'];
    if (request.method !== 'POST' || key === undefined || !request.principal) return next.handle();
    if (typeof key !== 'string' || !HEADER_TOKEN.test(key)) {
      throw new BadRequestException({
        code: 'INVALID_HEADER',
        message: 'Idempotency-Key must be 1 to 200 visible ASCII characters',
      });
    }
    const fingerprint = createHash('sha256')
      .update(
        `${request.method} ${request.originalUrl}\n${canonicalJson(request.body ?? null)}\n${request.headers['if-match'] ?? ''}`,
      )
      .digest('hex');
    return from(
      this.keys
        .run(request.principal.id, key, fingerprint, async () => {
          const body = await lastValueFrom(next.handle(), { defaultValue: undefined });
          const headers = Object.fromEntries(
            REPLAYED_HEADERS.flatMap((name) => {
              const value = response.getHeader(name);
              return value === undefined ? [] : [[name, String(value)]];
            }),
          );
          // Nest applies the route's status when it replies, after this: read it where Nest will.
          const status = (Reflect.getMetadata(HTTP_CODE_METADATA, context.getHandler()) as number | undefined) ?? 201;
          return { status, headers, body };
        })
        .then((outcome) => {
          if (outcome.kind === 'replay') {
            response.code(outcome.response.status);
            for (const [name, value] of Object.entries(outcome.response.headers)) response.header(name, value);
            response.header('Idempotent-Replayed', 'true');
          }
          return outcome.response.body;
        })
        .catch((error: unknown) => {
          if (error instanceof IdempotencyKeyReusedError)
            throw new UnprocessableEntityException({ code: error.code, message: error.message });
          if (error instanceof IdempotencyKeyInUseError) {
            response.header('Retry-After', '1');
            throw new ConflictException({ code: error.code, message: error.message });
          }
          throw error;
        }),
    );
  }
}
